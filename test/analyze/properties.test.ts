/** Property tests: the analyzer never throws, and its output does not depend on chunking or input order. */
import { describe, expect } from 'vitest';
import { fc, it } from '@fast-check/vitest';
import { createAnalyzer } from '../../src/analyze/analyzer.js';
import type { SlowPdu } from '../../src/decode/pdu.js';
import { A, B, C, Wire, mergeByTime, type Side } from './builders.js';

const sideArb: fc.Arbitrary<Side> = fc.record({
  system: fc.constantFrom(A.system, B.system, C.system, '00:00:00:00:00:00'),
  port: fc.integer({ min: 0, max: 3 }),
  key: fc.constantFrom(0, 1, 9, 17, 33),
  systemPriority: fc.constantFrom(0, 127, 32768, 65535),
  portPriority: fc.constantFrom(0, 127, 255, 32768, 65535),
  // Mostly realistic states, sometimes anything.
  state: fc.oneof(fc.constantFrom(0x3f, 0x3d, 0x07, 0x47, 0xc7, 0x85, 0x0f, 0x1f, 0x04, 0x3c, 0x00), fc.integer({ min: 0, max: 255 })),
});

type Step =
  | { kind: 'lacp'; dtMs: number; iface: number; actor: Side; partner: Side; bad: boolean }
  | { kind: 'marker'; dtMs: number; iface: number; response: boolean; xid: number; port: number }
  | { kind: 'other'; dtMs: number; iface: number };

const dtArb = fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 2_000 }), fc.integer({ min: 0, max: 120_000 }));

const stepArb: fc.Arbitrary<Step> = fc.oneof(
  { weight: 8, arbitrary: fc.record({ kind: fc.constant('lacp' as const), dtMs: dtArb, iface: fc.integer({ min: 0, max: 1 }), actor: sideArb, partner: sideArb, bad: fc.boolean() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('marker' as const), dtMs: dtArb, iface: fc.integer({ min: 0, max: 1 }), response: fc.boolean(), xid: fc.integer({ min: 0, max: 2 }), port: fc.integer({ min: 0, max: 3 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('other' as const), dtMs: dtArb, iface: fc.integer({ min: 0, max: 1 }) }) },
);

/** Build PDUs from steps on wires (one per interface of one source, or one source per interface). */
function build(steps: Step[], wires: Wire[], offsetUs = 0): SlowPdu[] {
  let ms = offsetUs / 1000;
  const out: SlowPdu[] = [];
  for (const s of steps) {
    ms += s.dtMs;
    const t = ms / 1000;
    const w = wires[s.iface % wires.length];
    if (s.kind === 'lacp') {
      out.push(w.lacp(t, s.actor, s.partner, s.bad ? { problems: [{ code: 'WRONG_TLV_LENGTH', message: 'bad length', severity: 'error' }] } : {}));
    } else if (s.kind === 'marker') {
      out.push(w.marker(t, s.response, { system: A.system, port: s.port, xid: s.xid }));
    } else {
      out.push({ ...w.base(t, null), problems: [{ code: 'UNKNOWN_SUBTYPE', message: 'unknown', severity: 'info' }], subtype: 'unknown', subtypeValue: 99, data: '' });
    }
  }
  return out;
}

function run(pdus: SlowPdu[]) {
  const an = createAnalyzer();
  for (const p of pdus) an.push(p);
  return an.report({ final: true });
}

describe('analyzer properties', () => {
  const oddTimeArb = fc.oneof(fc.constant('garbage'), fc.constant(''), fc.integer({ min: -5_000, max: 0 }).map((ms) => ms / 1000));
  it.prop([fc.array(stepArb, { maxLength: 150 }), fc.array(oddTimeArb, { maxLength: 5 })])(
    'never throws (also on times out of order or unreadable), and findings come sorted by time with bounded evidence',
    (steps, oddTimes) => {
      const pdus = build(steps, [new Wire('eth0', 'a.pcap'), new Wire('eth1', 'a.pcap')]);
      // Spoil a few timestamps: some unreadable, some going back in time.
      oddTimes.forEach((odd, i) => {
        const victim = pdus[(i * 7919) % Math.max(1, pdus.length)];
        if (victim) victim.time = typeof odd === 'string' ? odd : (Number(victim.time) + odd).toFixed(9);
      });
      const an = createAnalyzer();
      for (const p of pdus) an.push(p);
      const r = an.report({ final: true });
      const times = r.findings.map((f) => Number(f.time));
      expect(times).toEqual([...times].sort((x, y) => x - y));
      for (const f of r.findings) {
        expect(f.frames.length).toBeLessThanOrEqual(20);
        expect(f.message.length).toBeGreaterThan(20);
        expect(Number(f.until)).toBeGreaterThanOrEqual(Number(f.time));
      }
      expect(r.ports.reduce((n, p) => n + p.pdus, 0)).toBe(pdus.filter((p) => p.subtype === 'lacp').length);
    },
  );

  it.prop([fc.array(stepArb, { maxLength: 150 }), fc.array(fc.integer({ min: 0, max: 3 }), { maxLength: 150 })])(
    'the same PDUs give the same report whatever report()/tick() calls are interleaved',
    (steps, interleave) => {
      const pdus = build(steps, [new Wire('eth0', 'a.pcap'), new Wire('eth1', 'a.pcap')]);
      const plain = run(pdus);
      const an = createAnalyzer();
      const latest = new Map<string, number>();
      pdus.forEach((p, i) => {
        an.push(p);
        latest.set(p.interface, Number(p.time));
        const what = interleave[i % Math.max(1, interleave.length)] ?? 0;
        if (what === 1) an.report();
        // A tick no later than every interface's latest frame asserts nothing new about silence.
        if (what === 2) an.tick(Math.min(...latest.values()));
        if (what === 3) an.report({ final: false });
      });
      expect(an.report({ final: true })).toEqual(plain);
    },
  );

  it.prop([fc.array(stepArb, { maxLength: 80 }), fc.array(stepArb, { maxLength: 80 })])(
    'several inputs merged by time give the same findings whatever order they are given in',
    (s1, s2) => {
      // Exact timestamp ties across inputs are left to the merge's input order: keep the inputs 1 µs apart.
      const one = build(s1, [new Wire('eth0', 'one.pcap')]);
      const two = build(s2, [new Wire('eth1', 'two.pcap')], 1);
      const key = (r: ReturnType<typeof run>) => r.findings.map((f) => JSON.stringify(f)).sort();
      const a = run(mergeByTime(one, two));
      const b = run(mergeByTime(two, one));
      expect(key(a)).toEqual(key(b));
      expect(a.ports).toEqual(b.ports);
      expect(a.links).toEqual(b.links);
    },
  );
});
