/** Help view model: every key, from the one table the key handling is documented in. */
import { GLYPH } from './timeline.js';
import { KEY_HELP } from '../state.js';
import type { Line } from '../text.js';
import { clip, pad, seg } from '../text.js';

export function helpLines(width: number, height: number): Line[] {
  const keyWidth = Math.max(...KEY_HELP.map((k) => k.keys.length)) + 2;
  const lines: Line[] = [[seg('Keys', 'accent', { bold: true }), seg('   (Esc or ? closes this help)', 'muted')]];
  for (const k of KEY_HELP) {
    lines.push(clip([seg(`  ${pad(k.keys, keyWidth)}`, 'accent', { bold: true }), seg(k.what), seg(width >= 100 ? `  (${k.where})` : '', 'muted')], width));
  }
  const legend: Line[] = [
    [],
    [seg('Timeline legend', 'accent', { bold: true })],
    clip([seg(`  ${GLYPH.set} bit set   ${GLYPH.clear} bit clear   ${GLYPH.change} bit changed within the column   ${GLYPH.pdu} PDU   ${GLYPH.late} late (gap over 1.5x the asked interval)   ${GLYPH.timeout} timed out   E/W/I finding   ${GLYPH.cursor} cursor`)], width),
    clip([seg('  act = the bits a port sends about itself; prt = the bits it records about its partner. States: Wireshark EFDCSGSA letters, * = clear.')], width),
  ];
  return [...lines, ...(lines.length + legend.length <= height ? legend : [])].slice(0, height);
}
