/** F11, F15, F16, F18, F19, F20, F21, F22 and TRUNCATED_CAPTURE. */
import { describe, expect, it } from 'vitest';
import { createAnalyzer } from '../../src/analyze/analyzer.js';
import { emptyStats } from '../../src/capture/frame.js';
import { A, B, BUNDLED_FAST, BUNDLED_SLOW, C, S, T0, Wire, analyze, codes, healthy, only, side } from './builders.js';

const aId = `${A.system}/${A.port}`;

describe('F11 INDIVIDUAL', () => {
  it('warning for a port with the Aggregation bit clear, one per episode', () => {
    const w = new Wire();
    for (let t = 0; t < 5; t++) {
      w.lacp(t, side(A, S.act | S.to | S.sync | S.col | S.dist), side(B, BUNDLED_FAST));
      w.lacp(t + 0.5, side(B, BUNDLED_FAST), side(A, S.act | S.to | S.sync | S.col | S.dist));
    }
    const f = only(analyze(w.pdus), 'INDIVIDUAL');
    expect(f.map((x) => [x.port, x.severity])).toEqual([[aId, 'warning']]);
    expect(f[0].frames).toHaveLength(5);
  });
  it('info for a single-member Open vSwitch bond', () => {
    const w = new Wire();
    const ovs = { systemPriority: 65535, portPriority: 65535 };
    for (let t = 0; t < 3; t++) {
      w.lacp(t, side(A, S.act | S.to | S.sync | S.col | S.dist, ovs), side(B, BUNDLED_FAST));
      w.lacp(t + 0.5, side(B, BUNDLED_FAST), side(A, S.act | S.to | S.sync | S.col | S.dist, ovs));
    }
    const f = only(analyze(w.pdus), 'INDIVIDUAL');
    expect(f.map((x) => x.severity)).toEqual(['info']);
    expect(f[0].message).toContain('Open vSwitch');
  });
  it("info for Linux's last PDU when a member leaves the bond", () => {
    const w = new Wire();
    healthy(w, { from: 0, to: 5 });
    w.lacp(5.2, side(A, S.act | S.to), side(B, BUNDLED_FAST));
    expect(only(analyze(w.pdus), 'INDIVIDUAL').map((x) => x.severity)).toEqual(['info']);
  });
});

describe('F15 FLAPPING', () => {
  const flaps = (n: number, spacing: number) => {
    const w = new Wire();
    let t = 0;
    for (let i = 0; i < n; i++) {
      w.lacp(t, side(A, BUNDLED_FAST), side(B, BUNDLED_FAST));
      w.lacp(t + 0.2, side(B, BUNDLED_FAST), side(A, BUNDLED_FAST));
      w.lacp(t + 0.5, side(A, S.act | S.to | S.agg), side(B, BUNDLED_FAST));
      w.lacp(t + 0.7, side(B, BUNDLED_FAST), side(A, S.act | S.to | S.agg));
      t += spacing;
    }
    return analyze(w.pdus, { stallWarnSec: 1e9, lateFactor: 1e9, txRateMaxPdus: 1e9 });
  };
  it('3 drops of Synchronization within 60 s flap; 2 do not; 3 spread over more than 60 s do not', () => {
    expect(codes(flaps(2, 1))).not.toContain('FLAPPING');
    expect(only(flaps(3, 1), 'FLAPPING').map((f) => f.port)).toEqual([aId]);
    expect(codes(flaps(3, 31))).not.toContain('FLAPPING');
    expect(only(flaps(10, 1), 'FLAPPING')).toHaveLength(1);
  });
  it('2 Expired episodes within 5 minutes flap', () => {
    const w = new Wire();
    w.lacp(0, side(A, BUNDLED_SLOW), side(B, BUNDLED_SLOW));
    w.lacp(1, side(A, S.act | S.agg | S.exp), side(B, BUNDLED_SLOW));
    w.lacp(2, side(A, BUNDLED_SLOW), side(B, BUNDLED_SLOW));
    expect(codes(analyze(w.pdus))).not.toContain('FLAPPING');
    w.lacp(250, side(A, S.act | S.agg | S.exp), side(B, BUNDLED_SLOW));
    expect(codes(analyze(w.pdus))).toContain('FLAPPING');
  });
});

describe('F16 NO_LACPDUS', () => {
  it('an input with frames but no LACPDU, at the end only', () => {
    const an = createAnalyzer();
    an.setSourceStats({ ...emptyStats('idle.pcap'), format: 'pcap', frames: 500 });
    expect(codes(an.report())).toEqual([]);
    const f = only(an.report({ final: true }), 'NO_LACPDUS');
    expect(f).toHaveLength(1);
    expect(f[0].message).toContain('idle.pcap');
  });
  it('an empty input', () => {
    expect(codes(createAnalyzer().report({ final: true }))).toEqual(['NO_LACPDUS']);
  });
  it('only passive ports on an interface, then 95 s of silence', () => {
    const w = new Wire();
    w.lacp(0, side(A, S.agg), side(B, S.agg));
    w.lacp(0.5, side(B, S.agg), side(A, S.agg));
    const an = createAnalyzer();
    for (const p of w.pdus) an.push(p);
    an.tick(T0 + 94);
    expect(codes(an.report())).not.toContain('NO_LACPDUS');
    an.tick(T0 + 95.5);
    expect(codes(an.report())).toContain('NO_LACPDUS');
  });
});

describe('F18 LOOPBACK and F19 SYSTEM_CHANGED', () => {
  it('a port naming its own system', () => {
    const w = new Wire();
    w.lacp(0, side(A, BUNDLED_FAST), side({ system: A.system, port: 2, key: A.key }, BUNDLED_FAST));
    expect(only(analyze(w.pdus), 'LOOPBACK').map((f) => f.port)).toEqual([aId]);
  });
  it('a new system id from the same source MAC and port number on one interface', () => {
    const w = new Wire();
    healthy(w, { from: 0, to: 5 });
    const renamed = { system: '02:dd:00:00:00:09', port: A.port, key: A.key };
    const src = w.pdus[0].src!;
    for (let t = 6; t < 9; t++) {
      w.lacp(t, side(renamed, S.act | S.to | S.agg), side(B, BUNDLED_FAST), { src });
      w.lacp(t + 0.5, side(B, BUNDLED_FAST), side(A, BUNDLED_FAST));
    }
    const r = analyze(w.pdus);
    const f = only(r, 'SYSTEM_CHANGED');
    expect(f).toHaveLength(1);
    expect(f[0].port).toBe(`${renamed.system}/${renamed.port}`);
    expect(f[0].message).toContain(A.system);
    expect(r.ports.find((p) => p.system === renamed.system)?.replaces).toBe(aId);
  });
  it('the two ends of a link sharing a port number are not a system change', () => {
    const w = new Wire();
    const x = { system: '50:00:00:03:80:00', port: 2, key: 2 };
    const y = { system: '50:00:00:05:80:00', port: 2, key: 2 };
    for (let t = 0; t < 3; t++) {
      w.lacp(t, side(x, BUNDLED_FAST), side(y, BUNDLED_FAST), { src: null as unknown as string });
      w.lacp(t + 0.5, side(y, BUNDLED_FAST), side(x, BUNDLED_FAST), { src: null as unknown as string });
    }
    expect(codes(analyze(w.pdus))).toEqual([]);
  });
  it('a system priority change', () => {
    const w = new Wire();
    healthy(w, { from: 0, to: 3 });
    w.lacp(3.2, side(A, BUNDLED_FAST, { systemPriority: 100 }), side(B, BUNDLED_FAST));
    expect(only(analyze(w.pdus), 'SYSTEM_CHANGED').map((f) => f.port)).toEqual([aId]);
  });
});

describe('F20 MULTIPLE_PARTNERS', () => {
  const two = (secondAt: number) => {
    const w = new Wire();
    w.lacp(0, side(B, BUNDLED_FAST), side(A, BUNDLED_FAST));
    w.lacp(secondAt, side(C, BUNDLED_FAST), side(A, BUNDLED_FAST));
    return analyze(w.pdus);
  };
  it('two remote ports naming one port within twice its timeout', () => {
    // A was never seen: its timeout comes from what B and C recorded (fast: 3 s, window 6 s).
    expect(only(two(6), 'MULTIPLE_PARTNERS').map((f) => f.port)).toEqual([aId]);
    expect(codes(two(6.1))).not.toContain('MULTIPLE_PARTNERS');
  });
});

describe('F21 MALFORMED', () => {
  it('one finding per input and problem, severity from the problem', () => {
    const w = new Wire();
    for (let t = 0; t < 5; t++) {
      w.lacp(t, side(A, BUNDLED_FAST), side(B, BUNDLED_FAST), { problems: [{ code: 'WRONG_TLV_LENGTH', message: 'actor TLV length 19, expected 20', severity: 'error' }] });
    }
    w.lacp(5, side(A, BUNDLED_FAST), side(B, BUNDLED_FAST), { problems: [{ code: 'NONZERO_RESERVED', message: 'reserved bytes are not zero', severity: 'info' }] });
    const r = analyze(w.pdus, { lateFactor: 1e9 });
    expect(only(r, 'MALFORMED').map((f) => [f.severity, f.frames.length])).toEqual([
      ['error', 5],
      ['info', 1],
    ]);
    expect(r.sources[0].malformed).toBe(5);
  });
});

describe('F22 MARKER_UNANSWERED', () => {
  const req = { system: A.system, port: A.port, xid: 7 };
  it('a response within 1 s is fine; a late one is not', () => {
    const ok = new Wire();
    ok.marker(0, false, req);
    ok.marker(0.5, true, req);
    expect(only(analyze(ok.pdus), 'MARKER_UNANSWERED')).toEqual([]);
    const late = new Wire();
    late.marker(0, false, req);
    late.marker(1.5, true, req);
    expect(only(analyze(late.pdus), 'MARKER_UNANSWERED')).toHaveLength(1);
  });
  it('no response while the capture goes on: unanswered; at the very end: not judged', () => {
    const w = new Wire();
    w.marker(0, false, req);
    expect(only(analyze(w.pdus), 'MARKER_UNANSWERED')).toEqual([]);
    w.lacp(1.2, side(B, BUNDLED_FAST), side(A, BUNDLED_FAST));
    expect(codes(analyze(w.pdus))).toContain('MARKER_UNANSWERED');
  });
});

describe('TRUNCATED_CAPTURE', () => {
  it('from the reader statistics: a cut record and snapshot-length cuts', () => {
    const an = createAnalyzer();
    an.setSourceStats({ ...emptyStats('cut.pcap'), format: 'pcap', frames: 10, truncated: { offset: 1234, message: 'record header cut' }, snapCut: 2 });
    const f = only(an.report({ final: true }), 'TRUNCATED_CAPTURE');
    expect(f).toHaveLength(2);
    expect(f.map((x) => x.message).join(' ')).toContain('1234');
    expect(an.report().sources[0]).toMatchObject({ truncated: true, truncatedAt: 1234, snapCut: 2 });
  });
});
