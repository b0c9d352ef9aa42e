/**
 * PDU detail view model, like Wireshark's detail and bytes panes: a tree of every field (from the
 * field tables in decode/fields.ts) with the byte range each covers, and a hex dump in which the
 * selected row's bytes are bracketed and highlighted.
 */
import type { FieldDef } from '../../decode/fields.js';
import { LACP_FIELDS, LACP_TLV_WALK_OFFSET, LACP_VERSIONS, MARKER_FIELDS, OAM_FIELDS, OSSP_FIELDS, STATE_BITS } from '../../decode/fields.js';
import { stateString } from '../../decode/format.js';
import type { DecodedFrame, SlowPdu } from '../../decode/pdu.js';
import type { Line, Tone } from '../text.js';
import { clip, pad, seg, utc } from '../text.js';

export interface TreeRow {
  depth: number;
  text: string;
  /** Bytes of the frame this row covers, [from, to). */
  range: [number, number] | null;
  tone?: Tone;
}

const GROUP_TITLES: Record<string, string> = {
  actor: 'Actor Information',
  partner: 'Partner Information',
  collector: 'Collector Information',
  terminator: 'Terminator',
  marker: 'Marker Information',
};

const BIT_MEANING: Record<string, [string, string]> = {
  activity: ['Active', 'Passive'],
  timeout: ['Short (fast, 1 s)', 'Long (slow, 30 s)'],
  aggregation: ['Aggregatable', 'Individual'],
  synchronization: ['In sync', 'Out of sync'],
  collecting: ['Collecting', 'Not collecting'],
  distributing: ['Distributing', 'Not distributing'],
  defaulted: ['Default partner info', 'Received partner info'],
  expired: ['Yes (receive EXPIRED)', 'No'],
};

function hex(bytes: Uint8Array, from: number, to: number): string {
  let s = '';
  for (let i = from; i < Math.min(to, bytes.length); i++) s += bytes[i].toString(16).padStart(2, '0');
  return s;
}

function readUint(bytes: Uint8Array, at: number, size: number): number | null {
  if (at + size > bytes.length) return null;
  let v = 0;
  for (let i = 0; i < size; i++) v = v * 256 + bytes[at + i];
  return v;
}

function formatField(f: FieldDef, d: DecodedFrame): string {
  const at = d.payloadOffset + f.offset;
  if (at >= d.bytes.length) return 'not captured';
  if (at + f.size > d.bytes.length) return `${hex(d.bytes, at, at + f.size)}… (cut by the snapshot length)`;
  switch (f.kind) {
    case 'mac':
      return Array.from(d.bytes.subarray(at, at + 6), (b) => b.toString(16).padStart(2, '0')).join(':');
    case 'state': {
      const v = d.bytes[at];
      return `0x${v.toString(16).padStart(2, '0')}  ${stateString(v)}`;
    }
    case 'reserved': {
      const raw = hex(d.bytes, at, at + f.size);
      return /^0*$/.test(raw) ? `${f.size} byte${f.size === 1 ? '' : 's'}, all zero` : raw;
    }
    case 'tlvType':
    case 'tlvLength': {
      const v = d.bytes[at];
      const bad = f.expect !== undefined && v !== f.expect;
      return `${v} (0x${v.toString(16).padStart(2, '0')})${bad ? `, expected ${f.expect}` : ''}`;
    }
    default: {
      const v = readUint(d.bytes, at, f.size) ?? 0;
      if (f.name === 'version') return `${v}${LACP_VERSIONS[v] && (d.pdu.subtype === 'lacp') ? ` (${LACP_VERSIONS[v]})` : ''}`;
      if (f.name === 'collectorMaxDelay') return `${v} (${(v * 10) / 1000} ms)`;
      return f.size > 1 ? `${v} (0x${v.toString(16).padStart(f.size * 2, '0')})` : String(v);
    }
  }
}

function fieldRows(fields: readonly FieldDef[], d: DecodedFrame, skip: (f: FieldDef) => boolean = () => false): TreeRow[] {
  const rows: TreeRow[] = [];
  let group = '';
  for (const f of fields) {
    if (skip(f)) continue;
    const dot = f.name.indexOf('.');
    const g = dot > 0 ? f.name.slice(0, dot) : '';
    const title = GROUP_TITLES[g];
    if (g !== group) {
      group = g;
      if (title) {
        const members = fields.filter((x) => x.name.startsWith(`${g}.`));
        const from = Math.min(...members.map((m) => m.offset));
        const to = Math.max(...members.map((m) => m.offset + m.size));
        rows.push({ depth: 1, text: title, range: [d.payloadOffset + from, d.payloadOffset + to] });
      }
    }
    const depth = title ? 2 : 1;
    const range: [number, number] = [d.payloadOffset + f.offset, d.payloadOffset + f.offset + f.size];
    const value = formatField(f, d);
    const wrong = (f.kind === 'tlvType' || f.kind === 'tlvLength') && value.includes('expected');
    rows.push({ depth, text: `${f.label}: ${value}`, range, tone: wrong ? 'bad' : undefined });
    if (f.kind === 'state' && range[0] < d.bytes.length) {
      const v = d.bytes[range[0]];
      for (const b of STATE_BITS) {
        const set = (v & b.mask) !== 0;
        const pattern = Array.from({ length: 8 }, (_, i) => (7 - i === b.bit ? (set ? '1' : '0') : '.')).join('');
        const [yes, no] = BIT_MEANING[b.flag];
        rows.push({
          depth: depth + 1,
          text: `${pattern.slice(0, 4)} ${pattern.slice(4)} = ${b.tree}: ${set ? yes : no}`,
          range,
          tone: set && (b.flag === 'expired' || b.flag === 'defaulted') ? 'bad' : set ? 'good' : 'muted',
        });
      }
    }
  }
  return rows;
}

function pduTitle(pdu: SlowPdu): string {
  switch (pdu.subtype) {
    case 'lacp': return `Link Aggregation Control Protocol, version ${pdu.version}`;
    case 'marker': return 'Marker Protocol (Marker Information)';
    case 'marker-response': return 'Marker Protocol (Marker Response)';
    case 'oam': return `OAM, ${pdu.codeName}`;
    case 'ossp': return `Organization Specific Slow Protocol, OUI ${pdu.oui}${pdu.ouiName ? ` (${pdu.ouiName})` : ''}`;
    case 'unknown': return `Unknown Slow Protocols subtype ${pdu.subtypeValue ?? '(missing)'}`;
  }
}

/** Every row of the detail tree, top to bottom. */
export function detailTree(d: DecodedFrame): TreeRow[] {
  const pdu = d.pdu;
  const all: [number, number] = [0, d.bytes.length];
  const rows: TreeRow[] = [
    { depth: 0, text: `Frame ${pdu.frame} of ${pdu.source}`, range: all },
    { depth: 1, text: `Interface ${pdu.interface}${pdu.direction ? `, ${pdu.direction}` : ''}, ${d.bytes.length} bytes${d.rebuilt ? ', rebuilt from tcpdump text' : ''}`, range: all },
    { depth: 1, text: `Time: ${utc(Number(pdu.time))} UTC`, range: null },
    { depth: 1, text: `Epoch: ${pdu.time}`, range: null },
    { depth: 0, text: `Link header: ${pdu.src ?? '?'} → ${pdu.dst ?? '(no destination)'}`, range: [0, d.payloadOffset] },
  ];
  for (const v of pdu.vlans) {
    rows.push({ depth: 1, text: `VLAN tag 0x${v.tpid.toString(16)}: id ${v.id}, priority ${v.pcp}${v.dei ? ', DEI' : ''}`, range: null });
  }
  const payload: [number, number] = [d.payloadOffset, d.bytes.length];
  rows.push({ depth: 0, text: pduTitle(pdu), range: payload });
  switch (pdu.subtype) {
    case 'lacp': {
      // Version 2 and vendor versions carry further TLVs from offset 58 on, before the terminator.
      const extra = pdu.tlvs.length > 0;
      rows.push(...fieldRows(LACP_FIELDS, d, (f) => extra && f.offset >= LACP_TLV_WALK_OFFSET));
      let at = d.payloadOffset + LACP_TLV_WALK_OFFSET;
      for (const t of pdu.tlvs) {
        const len = Math.max(2, t.length);
        rows.push({ depth: 1, text: `${t.name === 'unknown' ? 'Unknown TLV' : t.name} (type 0x${t.type.toString(16).padStart(2, '0')}, length ${t.length}): ${t.value || '(empty)'}`, range: [at, at + len] });
        at += len;
      }
      if (extra) rows.push({ depth: 1, text: 'Terminator and pad', range: [at, d.bytes.length] });
      break;
    }
    case 'marker':
    case 'marker-response':
      rows.push(...fieldRows(MARKER_FIELDS, d));
      break;
    case 'oam':
      rows.push(...fieldRows(OAM_FIELDS, d));
      rows.push({ depth: 1, text: `Data: ${pdu.data || '(none)'}`, range: [d.payloadOffset + 4, d.bytes.length] });
      break;
    case 'ossp':
      rows.push(...fieldRows(OSSP_FIELDS, d));
      rows.push({ depth: 1, text: `Data: ${pdu.data || '(none)'}`, range: [d.payloadOffset + 4, d.bytes.length] });
      break;
    case 'unknown':
      rows.push({ depth: 1, text: `Data: ${pdu.data || '(none)'}`, range: payload });
      break;
  }
  if (pdu.problems.length) {
    rows.push({ depth: 0, text: `Problems (${pdu.problems.length})`, range: null, tone: 'bad' });
    for (const p of pdu.problems) {
      rows.push({
        depth: 1,
        text: `${p.severity.toUpperCase()} ${p.code}: ${p.message}${p.offset !== undefined ? ` (byte ${p.offset})` : ''}`,
        range: p.offset !== undefined ? [p.offset, p.offset + 1] : null,
        tone: p.severity === 'error' ? 'bad' : p.severity === 'warning' ? 'warn' : 'info',
      });
    }
  }
  return rows;
}

export const HEX_WIDTH = 74;

/** Hex dump lines; bytes in `range` are bracketed (visible without colour) and highlighted. */
export function hexLines(bytes: Uint8Array, range: [number, number] | null): Line[] {
  const lines: Line[] = [];
  const [a, b] = range && range[1] > range[0] ? range : [-1, -1];
  const inRange = (i: number) => i >= a && i < b;
  for (let base = 0; base < bytes.length; base += 16) {
    const line: Line = [seg(base.toString(16).padStart(4, '0') + ' ', 'muted')];
    let ascii = '';
    for (let i = base; i < base + 16; i++) {
      const sep = i === a ? '[' : i === b ? ']' : ' ';
      line.push(seg(i - base === 8 ? ` ${sep}` : sep, sep === ' ' ? undefined : 'accent', { bold: sep !== ' ' }));
      if (i < bytes.length) {
        line.push(seg(bytes[i].toString(16).padStart(2, '0'), inRange(i) ? 'accent' : undefined, { inverse: inRange(i) || undefined }));
        ascii += bytes[i] >= 0x20 && bytes[i] < 0x7f ? String.fromCharCode(bytes[i]) : '.';
      } else line.push(seg('  '));
    }
    const close = b === base + 16 ? ']' : ' ';
    line.push(seg(close, 'accent', { bold: true }));
    line.push(seg(' ' + ascii, 'muted'));
    lines.push(line);
  }
  return lines;
}

export function detailLines(
  d: DecodedFrame | undefined,
  missing: string | null,
  selected: number,
  width: number,
  height: number,
): Line[] {
  if (!d) return [[seg(missing ?? 'No PDU selected: press Enter on a finding, or on the timeline cursor.', 'muted')]];
  const tree = detailTree(d);
  const sel = Math.max(0, Math.min(selected, tree.length - 1));
  const hexDump = hexLines(d.bytes, tree[sel]?.range ?? null);
  const side = width >= HEX_WIDTH + 44;
  const treeWidth = side ? width - HEX_WIDTH - 2 : width;
  const treeHeight = side ? height : Math.max(3, height - hexDump.length - 1);
  const first = Math.max(0, Math.min(sel - Math.floor(treeHeight / 2), tree.length - treeHeight));
  const treeLines: Line[] = tree.slice(first, first + treeHeight).map((r, k) => {
    const isSel = first + k === sel;
    return clip(
      [seg(isSel ? '▶' : ' ', 'accent'), seg('  '.repeat(r.depth)), seg(r.text, r.tone, { inverse: isSel || undefined, bold: r.depth === 0 })],
      treeWidth,
    );
  });
  if (!side) return [...treeLines, [], ...hexDump].slice(0, height);
  const out: Line[] = [];
  for (let i = 0; i < Math.max(treeLines.length, hexDump.length); i++) {
    const left = treeLines[i] ?? [];
    const used = left.reduce((n, s) => n + [...s.text].length, 0);
    out.push([...left, seg(pad('', treeWidth - used + 2)), ...(hexDump[i] ?? [])]);
  }
  return out.slice(0, height);
}
