/** F1 NO_PARTNER, F2 ONE_WAY, F5 EXPIRED, F6 DEFAULTED, F23 ZERO_STATE at and around their thresholds. */
import { describe, expect, it } from 'vitest';
import { A, ALONE_FAST, B, BUNDLED_FAST, BUNDLED_SLOW, NULL_PARTNER, S, Wire, analyze, codes, healthy, only, side } from './builders.js';

const aId = `${A.system}/${A.port}`;
const bId = `${B.system}/${B.port}`;

describe('F1 NO_PARTNER', () => {
  const alone = (times: number[], state = ALONE_FAST) => {
    const w = new Wire();
    for (const t of times) w.lacp(t, side(A, state), NULL_PARTNER);
    return analyze(w.pdus);
  };

  it('fires at 3 consecutive partner-less PDUs, not at 2', () => {
    expect(codes(alone([0, 1]))).not.toContain('NO_PARTNER');
    const r = alone([0, 1, 2]);
    const f = only(r, 'NO_PARTNER');
    expect(f).toHaveLength(1);
    expect(f[0].port).toBe(aId);
    expect(f[0].frames).toEqual([1, 2, 3]);
    expect(f[0].message).toContain(A.system);
    expect(f[0].message).toContain('eth0');
  });

  it('fires after the timeout plus 3 s of capture even with fewer PDUs (fast: 6 s)', () => {
    expect(codes(alone([0, 5.9]))).not.toContain('NO_PARTNER');
    expect(codes(alone([0, 6]))).toContain('NO_PARTNER');
  });

  it('uses the long timeout for a slow port (93 s)', () => {
    const slowAlone = S.act | S.agg | S.def;
    expect(codes(alone([0, 92.9], slowAlone))).not.toContain('NO_PARTNER');
    expect(codes(alone([0, 93], slowAlone))).toContain('NO_PARTNER');
  });

  it('one episode for a long partner-less run', () => {
    expect(only(alone([...Array(100).keys()]), 'NO_PARTNER')).toHaveLength(1);
  });

  it('does not fire when another system speaks on the same interface', () => {
    const w = new Wire();
    for (let t = 0; t < 10; t++) {
      w.lacp(t, side(A, ALONE_FAST), NULL_PARTNER);
      w.lacp(t + 0.5, side(B, S.act | S.to | S.agg), side(A, ALONE_FAST));
    }
    expect(codes(analyze(w.pdus))).not.toContain('NO_PARTNER');
  });

  it('another system on a different interface does not count as a peer', () => {
    const w0 = new Wire('eth0');
    const w1 = new Wire('eth1');
    for (let t = 0; t < 5; t++) {
      w0.lacp(t, side(A, ALONE_FAST), NULL_PARTNER);
      w1.lacp(t + 0.5, side(B, ALONE_FAST), NULL_PARTNER);
    }
    const r = analyze([...w0.pdus, ...w1.pdus].sort((x, y) => Number(x.time) - Number(y.time)));
    expect(only(r, 'NO_PARTNER').map((f) => f.port).sort()).toEqual([aId, bId]);
  });
});

describe('F2 ONE_WAY', () => {
  /** A hears B (names it, current); B runs defaulted with no partner until `until`. */
  const oneWay = (until: number) => {
    const w = new Wire();
    for (let t = 0; t <= until + 1e-9; t += 0.5) {
      if (Number.isInteger(t)) w.lacp(t, side(A, S.act | S.to | S.agg), side(B, ALONE_FAST));
      else w.lacp(t, side(B, ALONE_FAST), NULL_PARTNER);
    }
    return analyze(w.pdus);
  };

  it('fires once the far end stays deaf longer than its timeout + 3 s after our first PDU', () => {
    // B is deaf from 0.5 s; A's first PDU after that is at 1 s; B's fast timeout is 3 s: limit 1 + 6 = 7 s.
    expect(codes(oneWay(6.5))).not.toContain('ONE_WAY');
    const r = oneWay(7.5);
    const f = only(r, 'ONE_WAY');
    expect(f).toHaveLength(1);
    expect(f[0].port).toBe(bId);
    expect(f[0].link).toBe(`${A.system}/${A.port} <-> ${B.system}/${B.port}`);
    expect(codes(r)).not.toContain('NO_PARTNER');
  });

  it('a partner that has stopped sending is a timeout, not one-way', () => {
    const w = new Wire();
    healthy(w, { from: 0, to: 10 });
    for (let t = 10.5; t < 30; t += 1) w.lacp(t, side(B, S.act | S.to | S.agg | S.exp), side(A, S.act | S.to | S.agg));
    expect(codes(analyze(w.pdus))).not.toContain('ONE_WAY');
  });
});

describe('F5 EXPIRED and F6 DEFAULTED', () => {
  it('EXPIRED at the first Expired PDU, one episode, then DEFAULTED after having a partner', () => {
    const w = new Wire();
    healthy(w, { from: 0, to: 10 });
    for (let t = 11.5; t < 14; t++) w.lacp(t, side(B, S.act | S.to | S.agg | S.exp), side(A, S.act | S.to | S.agg));
    w.lacp(14.5, side(B, ALONE_FAST), NULL_PARTNER);
    w.lacp(15.5, side(B, ALONE_FAST), NULL_PARTNER);
    const r = analyze(w.pdus);
    const e = only(r, 'EXPIRED');
    expect(e).toHaveLength(1);
    expect(e[0].port).toBe(bId);
    expect(e[0].severity).toBe('warning');
    const d = only(r, 'DEFAULTED');
    expect(d).toHaveLength(1);
    expect(d[0].severity).toBe('error');
    expect(d[0].frames).toHaveLength(2);
  });

  it('Defaulted from the first PDU (never had a partner) is NO_PARTNER, not DEFAULTED', () => {
    const w = new Wire();
    for (let t = 0; t < 5; t++) w.lacp(t, side(A, ALONE_FAST), NULL_PARTNER);
    expect(codes(analyze(w.pdus))).toEqual(['NO_PARTNER']);
  });

  it('Juniper-style Expired+Defaulted together is treated as Defaulted (no EXPIRED)', () => {
    const w = new Wire();
    const juniper = { system: '4c:96:14:e5:b6:00', port: 1, key: 1 };
    const partner = { system: '00:00:00:00:00:00', port: 1, key: 1, systemPriority: 1, portPriority: 1, state: 0x46 };
    for (let t = 0; t < 5; t++) w.lacp(t, side(juniper, 0xc7, { systemPriority: 127, portPriority: 127 }), partner);
    const r = analyze(w.pdus);
    expect(codes(r)).toEqual(['NO_PARTNER']);
    expect(r.ports[0].stack).toBe('juniper');
    expect(r.ports[0].rxState).toBe('defaulted');
  });

  it("Open vSwitch's first-PDU Expired transient is not reported; a later Expired is", () => {
    const ovs = (state: number) => side(A, state, { systemPriority: 65535, portPriority: 65535 });
    const w = new Wire();
    w.lacp(0, ovs(S.act | S.to | S.agg | S.sync | S.col | S.dist | S.exp), NULL_PARTNER);
    w.lacp(0.5, side(B, BUNDLED_FAST), side(A, S.act | S.to | S.agg, { systemPriority: 65535, portPriority: 65535 }));
    expect(codes(analyze(w.pdus))).not.toContain('EXPIRED');
    w.lacp(1, ovs(S.act | S.to | S.agg | S.exp), side(B, BUNDLED_FAST));
    expect(codes(analyze(w.pdus))).toContain('EXPIRED');
  });

  it('two separate Expired episodes are two findings', () => {
    const w = new Wire();
    w.lacp(0, side(A, S.act | S.agg | S.exp), side(B, BUNDLED_SLOW));
    w.lacp(1, side(A, BUNDLED_SLOW), side(B, BUNDLED_SLOW));
    w.lacp(2, side(A, S.act | S.agg | S.exp), side(B, BUNDLED_SLOW));
    expect(only(analyze(w.pdus), 'EXPIRED')).toHaveLength(2);
  });
});

describe('F23 ZERO_STATE', () => {
  it('fires when a port sends state [none] while its partner is bundled', () => {
    const w = new Wire();
    healthy(w, { from: 0, to: 5 });
    w.lacp(5.2, side(A, 0), side(B, BUNDLED_FAST));
    const f = only(analyze(w.pdus), 'ZERO_STATE');
    expect(f).toHaveLength(1);
    expect(f[0].port).toBe(aId);
  });

  it('does not fire when the partner is not bundled', () => {
    const w = new Wire();
    w.lacp(0, side(B, S.act | S.to | S.agg), side(A, 0));
    w.lacp(0.2, side(A, 0), side(B, S.act | S.to | S.agg));
    expect(codes(analyze(w.pdus))).not.toContain('ZERO_STATE');
  });
});
