/** Known false alarms the analyzer must not raise, and root causes that explain their consequences. */
import { describe, expect, it } from 'vitest';
import { createAnalyzer } from '../../src/analyze/analyzer.js';
import { emptyStats } from '../../src/capture/frame.js';
import { A, ALONE_FAST, B, BUNDLED_FAST, C, NULL_PARTNER, S, Wire, analyze, codes, healthy, only, side } from './builders.js';

const ovs = { systemPriority: 65534, portPriority: 65535 };

describe('start-up states are not failures', () => {
  it('Expired with an all-zero partner before any partner was heard (Open vSwitch start-up) is not EXPIRED', () => {
    const w = new Wire();
    w.lacp(0, side(A, 0xbf, ovs), { ...NULL_PARTNER, state: S.to });
    w.lacp(1, side(A, 0x87, ovs), { ...NULL_PARTNER, state: S.to });
    w.lacp(1.3, side(B, BUNDLED_FAST, ovs), side(A, S.act | S.to | S.agg, ovs));
    for (let t = 2; t < 10; t++) {
      w.lacp(t, side(A, BUNDLED_FAST, ovs), side(B, BUNDLED_FAST, ovs));
      w.lacp(t + 0.5, side(B, BUNDLED_FAST, ovs), side(A, BUNDLED_FAST, ovs));
    }
    const r = analyze(w.pdus);
    expect(r.findings.filter((f) => f.severity !== 'info')).toEqual([]);
    expect(r.ports[0].stack).toBe('openvswitch');
  });

  it('a port that never had a partner and goes Expired -> Defaulted is NO_PARTNER only (LACP off on the far end)', () => {
    const w = new Wire();
    w.lacp(0, side(A, 0xbf, ovs), { ...NULL_PARTNER, state: S.to });
    w.lacp(1, side(A, 0x87, ovs), { ...NULL_PARTNER, state: S.to });
    w.lacp(3, side(A, ALONE_FAST, ovs), NULL_PARTNER);
    w.lacp(33, side(A, ALONE_FAST, ovs), NULL_PARTNER);
    expect(codes(analyze(w.pdus))).toEqual(['NO_PARTNER']);
  });
});

describe('root causes explain their consequences', () => {
  it('a partner that stops LACP: PDU_TIMEOUT, EXPIRED and DEFAULTED, but not NO_PARTNER (it was heard)', () => {
    const w = new Wire();
    healthy(w, { from: 0, to: 10 });
    for (let t = 11; t <= 13; t++) w.lacp(t, side(A, S.act | S.to | S.agg | S.exp), side(B, S.act | S.to | S.agg));
    for (let t = 14; t < 100; t += 30) w.lacp(t, side(A, ALONE_FAST), NULL_PARTNER);
    expect([...new Set(codes(analyze(w.pdus)))].sort()).toEqual(['DEFAULTED', 'EXPIRED', 'PDU_TIMEOUT']);
  });

  it('after a system id change the old identity falling silent is not a timeout, and both names are one partner', () => {
    const w = new Wire();
    const newSystem = '02:bb:00:00:00:99';
    const b1 = { system: B.system, port: 5, key: B.key };
    const b2 = { system: B.system, port: 6, key: B.key };
    const a2 = { system: A.system, port: 2, key: A.key };
    type Port = { system: string; port: number; key: number };
    const exchange = (t: number, x: Port, y: Port) => {
      w.lacp(t, side(y, BUNDLED_FAST), side(x, BUNDLED_FAST));
      w.lacp(t + 0.1, side(x, BUNDLED_FAST), side(y, BUNDLED_FAST));
    };
    for (let t = 0; t < 10; t++) {
      exchange(t, A, b1);
      exchange(t + 0.5, a2, b2);
    }
    // The far system restarts with a new id; its ports keep their MACs and numbers.
    const n1 = { ...b1, system: newSystem };
    const n2 = { ...b2, system: newSystem };
    for (let t = 10; t < 30; t++) {
      exchange(t, A, n1);
      exchange(t + 0.5, a2, n2);
    }
    const r = analyze(w.pdus);
    expect(codes(r)).toEqual(['SYSTEM_CHANGED', 'SYSTEM_CHANGED']);
    expect(r.aggregations.find((g) => g.system === A.system)?.partnerSystems).toEqual([newSystem]);
  });

  it('members left unsynchronized by a partner key split are not also NEGOTIATION_STALLED', () => {
    const w = new Wire();
    const a2 = { system: A.system, port: 2, key: A.key };
    for (let t = 0; t < 30; t++) {
      w.lacp(t, side(A, BUNDLED_FAST), side({ ...B, port: 1 }, BUNDLED_FAST));
      w.lacp(t + 0.2, side({ ...B, port: 1 }, BUNDLED_FAST), side(A, BUNDLED_FAST));
      w.lacp(t + 0.4, side(a2, S.act | S.to | S.agg), side({ ...B, port: 2, key: 34 }, S.act | S.to | S.agg));
      w.lacp(t + 0.6, side({ ...B, port: 2, key: 34 }, S.act | S.to | S.agg), side(a2, S.act | S.to | S.agg));
    }
    expect([...new Set(codes(analyze(w.pdus)))].sort()).toEqual(['ACTOR_KEY_MISMATCH', 'PARTNER_KEY_MISMATCH']);
  });
});

describe('MULTIPLE_PARTNERS from one side only', () => {
  it("a port's partner alternating between two remote ports within twice the timeout", () => {
    const seq = (gap: number) => {
      const w = new Wire();
      w.lacp(0, side(A, BUNDLED_FAST), side(B, BUNDLED_FAST));
      w.lacp(gap, side(A, BUNDLED_FAST), side(C, BUNDLED_FAST));
      w.lacp(2 * gap, side(A, BUNDLED_FAST), side(B, BUNDLED_FAST));
      return analyze(w.pdus, { lateFactor: 1e9, shortTimeoutSec: 1e9 / 4 });
    };
    expect(only(seq(1), 'MULTIPLE_PARTNERS').map((f) => f.port)).toEqual([`${A.system}/${A.port}`]);
    const w = new Wire();
    w.lacp(0, side(A, BUNDLED_FAST), side(B, BUNDLED_FAST));
    w.lacp(1, side(A, BUNDLED_FAST), side(C, BUNDLED_FAST));
    w.lacp(7, side(A, BUNDLED_FAST), side(B, BUNDLED_FAST));
    expect(codes(analyze(w.pdus))).not.toContain('MULTIPLE_PARTNERS');
  });
});

describe('NO_LACPDUS', () => {
  it('also for an input with no frame at all', () => {
    const an = createAnalyzer();
    an.setSourceStats({ ...emptyStats('silent.pcapng'), format: 'pcapng' });
    expect(codes(an.report({ final: true }))).toEqual(['NO_LACPDUS']);
  });
});
