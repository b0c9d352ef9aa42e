import { describe, expect, it } from 'vitest';
import { STATE_BITS } from '../../src/decode/fields.js';
import type { LacpPdu } from '../../src/decode/pdu.js';
import { linkRows, overviewRows, parseFilter, portBadge, sortedFindings, findingsOfPort } from '../../src/tui/derive.js';
import { buildModel, renderScreen } from '../../src/tui/screen.js';
import { initialState } from '../../src/tui/state.js';
import { lineText } from '../../src/tui/text.js';
import { detailTree, hexLines } from '../../src/tui/views/detail.js';
import type { TimelineInput } from '../../src/tui/views/timeline.js';
import { GLYPH, LANE_LABEL, timelineLines } from '../../src/tui/views/timeline.js';
import { scenarioFrames, scenarioReport, snapshotOf, SYS_A, SYS_B, T0 } from './fixtures.js';

const frames = scenarioFrames();
const report = scenarioReport(frames);
const snap = snapshotOf(frames, report);

function screen(ui = initialState(), columns = 120, rows = 40): string[] {
  return renderScreen(buildModel(snap, ui.filter, ui.findingsOrder), ui, { columns, rows }, { title: 'cap.pcap', live: false }).map(lineText);
}

describe('overview', () => {
  it('gives each port a health badge from its state and findings', () => {
    const badge = (id: string) => portBadge(report.ports.find((p) => p.id === id)!, findingsOfPort(report.findings, id)).label;
    expect(badge(`${SYS_A}/1`)).toBe('bundled');
    expect(badge(`${SYS_A}/2`)).toBe('expired');
    expect(badge(`${SYS_B}/6`)).toBe('timed out');
    // Defaulted with nobody named: never had a partner, or lost it (DEFAULTED says it had one).
    const lonely = { ...report.ports[1], rxState: 'defaulted' as const, peer: null };
    expect(portBadge(lonely, []).label).toBe('no partner');
    expect(portBadge(lonely, [{ ...report.findings[0], code: 'DEFAULTED' }]).label).toBe('defaulted');
  });

  it('shows aggregations, ports, findings counts and the capture summary', () => {
    const text = screen().join('\n');
    expect(text).toContain(`Aggregation ${SYS_A} key 17`);
    expect(text).toMatch(/02:bb:00:00:00:02\/6\s+eth0\s+timed out/);
    expect(text).toContain('1 error  2 warnings  0 info');
    expect(text).toContain('114 frames read · 74 slow frames decoded · 74 LACPDUs · 0 malformed');
  });

  it('filters ports by port number, system, key, severity and code, with negation', () => {
    const ids = (filter: string) =>
      overviewRows(report, parseFilter(filter)).flatMap((r) => (r.kind === 'port' ? [r.port.id] : []));
    expect(ids('port:5')).toEqual([`${SYS_A}/1`, `${SYS_B}/5`]);
    expect(ids(`system:${SYS_B}`)).toHaveLength(4); // B's own ports, and A's ports that name B
    expect(ids('key:17 sev:err')).toEqual([`${SYS_A}/2`, `${SYS_B}/6`]);
    expect(ids('code:expired')).toEqual([`${SYS_A}/2`]);
    expect(ids('code:timeout !code:expired')).toEqual([`${SYS_B}/6`]);
    expect(ids('nothing-like-this')).toEqual([]);
  });

  it('parses MAC addresses as values, not as field names', () => {
    expect(parseFilter('02:bb:00 !sev:info')).toEqual([
      { field: 'any', value: '02:bb:00', negate: false },
      { field: 'severity', value: 'info', negate: true },
    ]);
  });
});

describe('findings', () => {
  it('sorts by severity then time, or by time', () => {
    expect(sortedFindings(report, [], 'severity').map((f) => f.code)).toEqual(['PDU_TIMEOUT', 'LATE_PDU', 'EXPIRED']);
    expect(sortedFindings(report, [], 'time').map((f) => f.code)).toEqual(['LATE_PDU', 'PDU_TIMEOUT', 'EXPIRED']);
    expect(sortedFindings(report, parseFilter('sev:warn'), 'time').map((f) => f.code)).toEqual(['LATE_PDU', 'EXPIRED']);
  });

  it('lists them with their time from the capture start and the selected one in full', () => {
    const text = screen({ ...initialState(), view: 'findings' }).join('\n');
    expect(text).toMatch(/ERROR\s+\+11\.800s\s+PDU_TIMEOUT/);
    expect(text).toContain('check the far end of this link.');
  });
});

describe('timeline lanes', () => {
  const links = linkRows(report);
  const ports = new Map(report.ports.map((p) => [p.id, p]));
  // 1 s per column from the capture start: column c covers [c, c+1).
  const input: TimelineInput = {
    rows: links,
    ports,
    findings: report.findings,
    pdus: snap.pdus,
    t0: T0,
    span: 20.3,
    timeline: { link: 1, end: 0, zoom: 9, start: 0, cursor: 12, lanes: 'actor' },
    width: LANE_LABEL + 1 + 30,
    height: 40,
  };
  const lines = timelineLines(input);
  const lane = (label: string) => {
    const line = lines.map(lineText).find((l) => l.startsWith(label));
    expect(line, label).toBeDefined();
    return [...line!.slice(LANE_LABEL + 1)];
  };

  it('draws a bit as set, clear or changing per column, only while the port is heard', () => {
    const expired = lane(' A act Expired');
    expect(expired.slice(0, 13).every((c) => c === GLYPH.clear || c === GLYPH.change || c === ' ')).toBe(true);
    expect(expired[13]).toBe(GLYPH.change); // expired from 13.2 s
    expect(expired[14]).toBe(GLYPH.set);
    expect(expired[20]).toBe(GLYPH.set);
    const sync = lane(' A act Sync');
    expect(sync[5]).toBe(GLYPH.set);
    expect(sync[14]).toBe(GLYPH.clear);
    // B/6 is not heard after 10.3 s: nothing is drawn there.
    expect(lane(' B act Sync')[15]).toBe(' ');
  });

  it('marks PDUs, the late stretch and the timeout in the PDU lane', () => {
    const pdus = lane(' B PDUs');
    expect(pdus[3]).toBe(GLYPH.pdu);
    expect(pdus[10]).toBe(GLYPH.pdu); // the last PDU, at 10.3 s
    expect(pdus[11]).toBe(GLYPH.timeout); // late until 11.8 s, then timed out
    expect(pdus[15]).toBe(GLYPH.timeout);
    const halfSecond = timelineLines({ ...input, timeline: { ...input.timeline, zoom: 8 } }).map(lineText);
    const fine = [...halfSecond.find((l) => l.startsWith(' B PDUs'))!.slice(LANE_LABEL + 1)];
    expect(fine[21]).toBe(GLYPH.late); // [10.5, 11)
    expect(fine[24]).toBe(GLYPH.timeout); // [12, 12.5)
    expect(lane(' A PDUs').slice(0, 21).every((c) => c === GLYPH.pdu)).toBe(true);
  });

  it('marks findings where they start, and the cursor on the axis', () => {
    const f = lane('  Findings');
    expect(f[10]).toBe('W');
    expect(f[11]).toBe('E');
    expect(f[13]).toBe('W');
    const axis = lines.map(lineText)[1];
    expect([...axis][LANE_LABEL + 1 + 12]).toBe(GLYPH.cursor);
  });

  it('fits 80x24 and uses 200x60', () => {
    const ui = { ...initialState(), view: 'timeline' as const, timeline: { ...initialState().timeline, link: 1 } };
    const small = screen(ui, 80, 24);
    expect(small).toHaveLength(24);
    expect(small.every((l) => [...l].length <= 80)).toBe(true);
    expect(small.join('\n')).toContain('B PDUs');
    const big = screen(ui, 200, 60).join('\n');
    expect(big).toContain('prt Expired'); // partner lanes too when there is room
    expect(big).toContain('Links (j/k)');
  });
});

describe('PDU detail', () => {
  const d = frames.find((f) => f.pdu.subtype === 'lacp' && (f.pdu as LacpPdu).actor.state === 0x87)!;
  const tree = detailTree(d);

  it('lists actor, partner, collector and every state bit by name', () => {
    const text = tree.map((r) => r.text).join('\n');
    for (const title of ['Actor Information', 'Partner Information', 'Collector Information', 'Terminator']) expect(text).toContain(title);
    for (const b of STATE_BITS) expect(text).toContain(`${b.tree}:`);
    expect(text).toContain('Actor State: 0x87  E****GSA');
    expect(text).toContain('1... .... = Expired: Yes');
    expect(text).toContain('Collector Max Delay: 0');
  });

  it('brackets the selected field in the hex dump at its offset', () => {
    const state = tree.find((r) => r.text.startsWith('Actor State'))!;
    expect(state.range).toEqual([32, 33]); // 14-byte Ethernet header + offset 18
    const dump = hexLines(d.bytes, state.range).map(lineText);
    expect(dump[2].slice(0, 12)).toBe('0020 [87]00 ');
    const key = tree.find((r) => r.text.startsWith('Partner Key'))!;
    expect(hexLines(d.bytes, key.range).map(lineText)[2]).toContain('[00 21]'); // partner key 33
  });

  it('side by side on wide screens, stacked on narrow ones', () => {
    const ui = { ...initialState(), view: 'detail' as const, detail: { frameKey: `cap.pcap#${d.pdu.frame}`, port: `${SYS_A}/2`, time: 13.2 } };
    const wide = screen(ui, 120, 40);
    expect(wide.find((l) => l.includes('Frame ') && l.includes('0000 '))).toBeDefined();
    const narrow = screen(ui, 80, 24);
    expect(narrow.every((l) => [...l].length <= 80)).toBe(true);
    expect(narrow.findIndex((l) => l.startsWith('0000 '))).toBeGreaterThan(narrow.findIndex((l) => l.includes('Frame ')));
  });

  it('says when a PDU is not kept', () => {
    const ui = { ...initialState(), view: 'detail' as const, detail: { frameKey: 'cap.pcap#9999', port: null, time: 0 } };
    expect(screen(ui).join('\n')).toContain('is not kept in memory');
  });
});

describe('help', () => {
  it('lists the keys and the lane legend', () => {
    const text = screen({ ...initialState(), help: true }).join('\n');
    expect(text).toContain('Keys');
    expect(text).toContain('Timeline legend');
    expect(text).toContain('q  Ctrl-c');
  });
});
