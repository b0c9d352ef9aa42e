/** Timelines, rx/mux states, links across inputs, aggregations, fingerprints, bounded memory. */
import { describe, expect, it } from 'vitest';
import { createAnalyzer, changesBetween } from '../../src/analyze/analyzer.js';
import { muxStateOf, rxStateOf } from '../../src/analyze/bits.js';
import { describeLinuxKey, fingerprint } from '../../src/analyze/fingerprint.js';
import { IntervalStats } from '../../src/analyze/intervals.js';
import { DEFAULT_THRESHOLDS } from '../../src/analyze/thresholds.js';
import { A, ALONE_FAST, B, BUNDLED_FAST, NULL_PARTNER, S, Wire, analyze, healthy, mergeByTime, side } from './builders.js';

describe('receive and mux state from the bits', () => {
  it.each([
    [0x3f, 'current', 'collecting-distributing'],
    [0x0f, 'current', 'attached'],
    [0x1f, 'current', 'collecting'],
    [0x07, 'current', 'detached'],
    [0x85, 'expired', 'detached'],
    [0x47, 'defaulted', 'detached'],
    [0xc7, 'defaulted', 'detached'],
    [0x7d, 'defaulted', 'collecting-distributing'],
    // Open vSwitch advertises C/D before negotiation: without Synchronization it is not attached.
    [0x37, 'current', 'detached'],
  ] as const)('state 0x%s', (state, rx, mux) => {
    expect(rxStateOf(state)).toBe(rx);
    expect(muxStateOf(state)).toBe(mux);
  });
});

describe('timelines', () => {
  it('one entry per change with the frame, the implied states and what changed', () => {
    const w = new Wire();
    w.lacp(0, side(A, S.act | S.to | S.agg), NULL_PARTNER);
    w.lacp(1, side(A, S.act | S.to | S.agg), NULL_PARTNER);
    w.lacp(1.5, side(B, BUNDLED_FAST), side(A, S.act | S.to | S.agg));
    w.lacp(2, side(A, S.act | S.to | S.agg | S.sync), side(B, BUNDLED_FAST));
    w.lacp(3, side(A, BUNDLED_FAST), side(B, BUNDLED_FAST));
    w.lacp(4, side(A, BUNDLED_FAST), side(B, BUNDLED_FAST));
    const r = analyze(w.pdus);
    const a = r.ports.find((p) => p.system === A.system)!;
    expect(a.pdus).toBe(5);
    expect(a.timeline.map((e) => [e.frame, e.muxState, e.changes])).toEqual([
      [1, 'detached', []],
      [4, 'attached', ['actor.synchronization', 'partner.activity', 'partner.timeout', 'partner.aggregation', 'partner.synchronization', 'partner.collecting', 'partner.distributing', 'partner.system', 'partner.port', 'partner.key', 'partner.systemPriority', 'partner.portPriority']],
      [5, 'collecting-distributing', ['actor.collecting', 'actor.distributing']],
    ]);
    expect(a.timeline[0].source).toBe('test.pcap');
    expect(a.intervalMax).toBe(1);
  });

  it('changesBetween reports key and priority changes', () => {
    const w = new Wire();
    const x = w.lacp(0, side(A, BUNDLED_FAST), side(B, BUNDLED_FAST));
    const y = w.lacp(1, side(A, BUNDLED_FAST, { key: 18, portPriority: 1 }), side(B, BUNDLED_FAST, { systemPriority: 2 }));
    expect(changesBetween(x, y)).toEqual(['actor.key', 'actor.portPriority', 'partner.systemPriority']);
    expect(changesBetween(x, x)).toEqual([]);
  });

  it('memory: timelines are capped with a count of dropped entries, the first entry kept', () => {
    const w = new Wire();
    for (let i = 0; i < 500; i++) w.lacp(i, side(A, i % 2 ? BUNDLED_FAST : S.act | S.to | S.agg), side(B, BUNDLED_FAST));
    const r = analyze(w.pdus, { maxTimelineEntries: 50 });
    expect(r.ports[0].timeline).toHaveLength(50);
    expect(r.ports[0].timelineDropped).toBe(450);
    expect(r.ports[0].timeline[0].frame).toBe(1);
    expect(r.ports[0].timeline[49].frame).toBe(500);
  });

  it('memory: a long steady exchange keeps one timeline entry per port and bounded evidence', () => {
    const w = new Wire();
    healthy(w, { from: 0, to: 20_000 });
    for (let t = 20_000; t < 20_200; t++) w.lacp(t + 0.5, side(B, ALONE_FAST), NULL_PARTNER);
    const r = analyze(w.pdus);
    expect(r.ports.map((p) => p.timeline.length)).toEqual([1, 2]);
    for (const f of r.findings) expect(f.frames.length).toBeLessThanOrEqual(DEFAULT_THRESHOLDS.maxEvidenceFrames);
  });

  it('a report does not change the analyzer: consumers may keep or mutate what they got', () => {
    const an = createAnalyzer();
    const w = new Wire();
    healthy(w, { from: 0, to: 10 });
    for (const p of w.pdus) an.push(p);
    const first = an.report();
    first.ports[0].timeline.length = 0;
    first.ports[0].interfaces.push('bogus');
    expect(an.report()).toEqual(an.report({ final: false }));
    expect(an.report().ports[0].timeline).toHaveLength(1);
    expect(an.report().ports[0].interfaces).toEqual(['eth0']);
  });
});

describe('links and aggregations', () => {
  it('pairs two ports that name each other, with the interfaces of both captures merged by time', () => {
    const host = new Wire('bond0-eth0', 'host.pcap');
    const sw = new Wire('Gi1/0/1', 'switch.pcapng');
    for (let t = 0; t < 5; t++) {
      host.lacp(t, side(A, BUNDLED_FAST), side(B, BUNDLED_FAST));
      sw.lacp(t + 0.5, side(B, BUNDLED_FAST), side(A, BUNDLED_FAST));
    }
    const r = analyze(mergeByTime(host.pdus, sw.pdus));
    expect(r.links).toEqual([
      { ports: [`${A.system}/${A.port}`, `${B.system}/${B.port}`], interface: 'bond0-eth0', interfaces: ['bond0-eth0', 'Gi1/0/1'], bundled: true },
    ]);
    expect(r.sources.map((s) => [s.name, s.lacpdus])).toEqual([
      ['host.pcap', 5],
      ['switch.pcapng', 5],
    ]);
  });

  it('a one-sided capture still reports bundled from the partner record, but forms no link', () => {
    const w = new Wire();
    for (let t = 0; t < 5; t++) w.lacp(t, side(A, BUNDLED_FAST), side(B, BUNDLED_FAST));
    const r = analyze(w.pdus);
    expect(r.links).toEqual([]);
    expect(r.ports[0].bundled).toBe(true);
    expect(r.ports[0].peer).toBe(`${B.system}/${B.port}`);
  });

  it('a Cisco stand-alone port (Defaulted with Sync/C/D) is not bundled', () => {
    const w = new Wire();
    for (let t = 0; t < 3; t++) w.lacp(t * 30, side(A, 0x7d), NULL_PARTNER, { collectorMaxDelay: 32768 });
    const r = analyze(w.pdus);
    expect(r.ports[0]).toMatchObject({ bundled: false, stack: 'cisco', rxState: 'defaulted', peer: null });
    expect(r.findings.map((f) => f.code)).toEqual(['NO_PARTNER']);
  });
});

describe('fingerprints', () => {
  const pdu = (actor: Partial<Parameters<typeof side>[2]> & { key?: number }, more: { src?: string; collectorMaxDelay?: number } = {}, state = BUNDLED_FAST, partner = NULL_PARTNER) =>
    new Wire().lacp(0, side({ system: '02:00:00:00:00:01', port: 1, key: actor.key ?? 9 }, state, actor), partner, more);
  it.each([
    [{ systemPriority: 65535, portPriority: 255, key: 9 }, {}, 'linux'],
    [{ systemPriority: 65535, portPriority: 255, key: 0 }, {}, 'teamd'],
    [{ systemPriority: 65535, portPriority: 65535 }, {}, 'openvswitch'],
    [{ systemPriority: 32768, portPriority: 32768 }, { collectorMaxDelay: 32768 }, 'cisco'],
    [{ systemPriority: 127, portPriority: 127 }, {}, 'juniper'],
    [{ systemPriority: 32768, portPriority: 32768 }, { src: '28:99:3a:00:00:01' }, 'arista'],
    [{ systemPriority: 37364, portPriority: 0 }, { src: '00:04:96:1f:50:6a' }, 'extreme'],
    [{ systemPriority: 32768, portPriority: 32768 }, {}, 'unknown'],
  ] as const)('%o %o -> %s', (actor, more, stack) => {
    expect(fingerprint(pdu(actor, more))).toBe(stack);
  });
  it("Juniper's admin defaults in the partner TLV give it away", () => {
    const partner = { system: '00:00:00:00:00:00', port: 1, key: 1, systemPriority: 1, portPriority: 1, state: 0x46 };
    expect(fingerprint(pdu({ systemPriority: 100, portPriority: 100 }, {}, 0xc7, partner))).toBe('juniper');
  });
  it("Linux's admin defaults for a missing partner give it away too", () => {
    const partner = { system: '00:00:00:00:00:00', port: 1, key: 1, systemPriority: 65535, portPriority: 255, state: 0 };
    expect(fingerprint(pdu({ systemPriority: 100, portPriority: 100 }, {}, 0x47, partner))).toBe('linux');
  });
  it('Linux keys decode to speed and duplex', () => {
    expect(describeLinuxKey(9)).toBe('1G full duplex');
    expect(describeLinuxKey(15)).toBe('10G full duplex');
    expect(describeLinuxKey(8)).toBe('1G half duplex');
  });
});

describe('interval statistics', () => {
  it('exact median for a steady interval, max gap, and memory bounded by distinct magnitudes', () => {
    const s = new IntervalStats();
    for (let i = 0; i < 100_000; i++) s.add(i % 10 === 9 ? 30 : 1);
    expect(s.median()).toBe(1);
    expect(s.max).toBe(30);
    expect(s.count).toBe(100_000);
    expect((s as unknown as { buckets: Map<number, unknown> }).buckets.size).toBe(2);
  });
  it('median of mixed values is within 1 %', () => {
    const s = new IntervalStats();
    for (const v of [0.9, 1.1, 26, 27, 29.5]) s.add(v);
    expect(s.median()! / 26).toBeCloseTo(1, 1);
    expect(new IntervalStats().median()).toBeNull();
  });
});

describe('reports are snapshots', () => {
  it('a finding handed out earlier does not change when its episode grows', () => {
    const an = createAnalyzer();
    const w = new Wire();
    for (let t = 0; t < 3; t++) an.push(w.lacp(t, side(A, ALONE_FAST), NULL_PARTNER));
    const before = an.report().findings[0];
    const frames = [...before.frames];
    for (let t = 3; t < 6; t++) an.push(w.lacp(t, side(A, ALONE_FAST), NULL_PARTNER));
    expect(before.frames).toEqual(frames);
    expect(an.report().findings[0].frames).toHaveLength(6);
  });
});
