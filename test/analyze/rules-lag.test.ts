/** F7 ECHO_MISMATCH, F8-F10 aggregation mismatches, F12-F14 negotiation progress. */
import { describe, expect, it } from 'vitest';
import { A, B, BUNDLED_FAST, C, S, Wire, analyze, codes, healthy, only, side } from './builders.js';

const aId = `${A.system}/${A.port}`;

describe('F7 ECHO_MISMATCH', () => {
  /** A records B with key 99 while B sends its real key; A PDUs at the given times. */
  const stale = (times: number[]) => {
    const w = new Wire();
    w.lacp(-0.5, side(B, BUNDLED_FAST), side(A, BUNDLED_FAST));
    for (const t of times) {
      w.lacp(t, side(A, BUNDLED_FAST), side(B, BUNDLED_FAST, { key: 99 }));
      w.lacp(t + 0.1, side(B, BUNDLED_FAST), side(A, BUNDLED_FAST));
    }
    return analyze(w.pdus);
  };
  it('fires after 2 mismatching PDUs spanning at least 1 s, naming the field', () => {
    expect(codes(stale([0]))).not.toContain('ECHO_MISMATCH');
    expect(codes(stale([0, 0.5]))).not.toContain('ECHO_MISMATCH');
    const f = only(stale([0, 1]), 'ECHO_MISMATCH');
    expect(f).toHaveLength(1);
    expect(f[0].port).toBe(aId);
    expect(f[0].message).toContain('key 99 but it sends key 33');
  });
  it('a single crossing PDU after the partner changes its key is not a mismatch', () => {
    const w = new Wire();
    healthy(w, { from: 0, to: 5 });
    w.lacp(5.6, side(B, BUNDLED_FAST, { key: 34 }), side(A, BUNDLED_FAST));
    w.lacp(5.7, side(A, BUNDLED_FAST), side(B, BUNDLED_FAST));
    w.lacp(6, side(A, BUNDLED_FAST), side(B, BUNDLED_FAST, { key: 34 }));
    w.lacp(6.5, side(B, BUNDLED_FAST, { key: 34 }), side(A, BUNDLED_FAST));
    expect(codes(analyze(w.pdus))).not.toContain('ECHO_MISMATCH');
  });
});

/** Port n of system A (key `key`) talking to `peer` (with peer key), fast, bundled or with `state`. */
function member(w: Wire, t: number, port: number, key: number, peer: { system: string; port: number; key: number }, state = BUNDLED_FAST) {
  const a = { system: A.system, port, key };
  w.lacp(t, side(a, state), side(peer, BUNDLED_FAST));
  w.lacp(t + 0.2, side(peer, BUNDLED_FAST), side(a, state));
}

describe('F8 PARTNER_SYSTEM_MISMATCH, F9 PARTNER_KEY_MISMATCH, F10 ACTOR_KEY_MISMATCH', () => {
  /** Ports 1 and 2 of A (key 17): port 1 to B port 1 key 33, port 2 to `second`. */
  const twoMembers = (second: { system: string; port: number; key: number }) => {
    const w = new Wire();
    for (let t = 0; t < 3; t++) {
      member(w, t, 1, 17, { system: B.system, port: 1, key: 33 });
      member(w, t + 0.5, 2, 17, second);
    }
    return analyze(w.pdus);
  };
  it('members of one aggregation seeing two partner systems', () => {
    const r = twoMembers({ system: C.system, port: 1, key: 33 });
    expect(only(r, 'PARTNER_SYSTEM_MISMATCH')).toHaveLength(1);
    expect(only(r, 'PARTNER_SYSTEM_MISMATCH')[0].message).toContain(C.system);
    expect(codes(r)).not.toContain('PARTNER_KEY_MISMATCH');
  });
  it('one partner system with two keys', () => {
    const r = twoMembers({ system: B.system, port: 2, key: 34 });
    expect(only(r, 'PARTNER_KEY_MISMATCH')).toHaveLength(1);
    expect(codes(r)).not.toContain('PARTNER_SYSTEM_MISMATCH');
  });
  it('one system using two keys towards one partner aggregation (Linux keys decode to speeds)', () => {
    const w = new Wire();
    const linux = (port: number, key: number) => ({ system: A.system, port, key, systemPriority: 65535, portPriority: 255 });
    for (let t = 0; t < 3; t++) {
      for (const [port, key, dt] of [[1, 9, 0], [2, 15, 0.5]] as const) {
        const me = linux(port, key);
        w.lacp(t + dt, { ...me, state: BUNDLED_FAST }, side({ system: B.system, port, key: 33 }, BUNDLED_FAST));
        w.lacp(t + dt + 0.2, side({ system: B.system, port, key: 33 }, BUNDLED_FAST), { ...me, state: BUNDLED_FAST });
      }
    }
    const r = analyze(w.pdus);
    const f = only(r, 'ACTOR_KEY_MISMATCH');
    expect(f).toHaveLength(1);
    expect(f[0].message).toContain('1G full duplex');
    expect(f[0].message).toContain('10G full duplex');
  });
  it('a healthy two-member bundle has none of them', () => {
    const w = new Wire();
    for (let t = 0; t < 5; t++) {
      member(w, t, 1, 17, { system: B.system, port: 1, key: 33 });
      member(w, t + 0.5, 2, 17, { system: B.system, port: 2, key: 33 });
    }
    expect(codes(analyze(w.pdus))).toEqual([]);
  });
});

describe('F12/F13 NEGOTIATION_STALLED and F14 STANDBY', () => {
  /** Both current and matched; A shows `state` until `until`. */
  const stuck = (state: number, until: number, peerState = BUNDLED_FAST) => {
    const w = new Wire();
    for (let t = 0; t <= until + 1e-9; t++) {
      w.lacp(t, side(A, state), side(B, peerState));
      w.lacp(t + 0.5, side(B, peerState), side(A, state));
    }
    return analyze(w.pdus);
  };
  it('Synchronization missing: warning at 10 s, error at 60 s, nothing at 9 s', () => {
    const unsynced = S.act | S.to | S.agg;
    expect(codes(stuck(unsynced, 9))).toEqual([]);
    const warn = only(stuck(unsynced, 10), 'NEGOTIATION_STALLED');
    expect(warn.map((f) => f.severity)).toEqual(['warning']);
    expect(warn[0].message).toContain('Synchronization');
    expect(only(stuck(unsynced, 59), 'NEGOTIATION_STALLED')[0].severity).toBe('warning');
    expect(only(stuck(unsynced, 60), 'NEGOTIATION_STALLED')[0].severity).toBe('error');
  });
  it('Collecting never enabled after both sides synchronized: error at 10 s', () => {
    const synced = S.act | S.to | S.agg | S.sync;
    expect(codes(stuck(synced, 9))).toEqual([]);
    const f = only(stuck(synced, 10), 'NEGOTIATION_STALLED');
    expect(f.map((x) => x.severity)).toEqual(['error']);
    expect(f[0].message).toContain('Collecting');
  });
  it('Distributing never enabled while the partner collects', () => {
    const f = only(stuck(S.act | S.to | S.agg | S.sync | S.col, 12), 'NEGOTIATION_STALLED');
    expect(f[0].message).toContain('Distributing');
  });
  it('a port held out while a sibling of the same LAG is bundled is STANDBY (info)', () => {
    const w = new Wire();
    for (let t = 0; t <= 12; t++) {
      member(w, t, 1, 17, { system: B.system, port: 1, key: 33 });
      member(w, t + 0.5, 2, 17, { system: B.system, port: 2, key: 33 }, S.act | S.to | S.agg);
    }
    const r = analyze(w.pdus);
    expect(r.findings.map((f) => [f.code, f.severity])).toEqual([['STANDBY', 'info']]);
  });
  it('a normal convergence within seconds is not stalled', () => {
    const w = new Wire();
    w.lacp(0, side(A, S.act | S.to | S.agg), side(B, 0, { key: 0 }));
    w.lacp(0.1, side(B, S.act | S.to | S.agg), side(A, S.act | S.to | S.agg));
    w.lacp(0.2, side(A, S.act | S.to | S.agg | S.sync), side(B, S.act | S.to | S.agg));
    w.lacp(1.1, side(B, S.act | S.to | S.agg | S.sync), side(A, S.act | S.to | S.agg | S.sync));
    w.lacp(1.2, side(A, S.act | S.to | S.agg | S.sync | S.col), side(B, S.act | S.to | S.agg | S.sync));
    w.lacp(2.1, side(B, BUNDLED_FAST), side(A, S.act | S.to | S.agg | S.sync | S.col));
    healthy(w, { from: 2.2, to: 60 });
    const r = analyze(w.pdus);
    expect(r.findings.filter((f) => f.severity !== 'info')).toEqual([]);
    expect(r.ports.every((p) => p.bundled)).toBe(true);
  });
});
