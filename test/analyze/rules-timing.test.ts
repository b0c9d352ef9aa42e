/** F3 LATE_PDU / PDU_TIMEOUT, F4 RATE_IGNORED, F17 TX_RATE_EXCEEDED, F24 ASYMMETRIC_RATE. */
import { describe, expect, it } from 'vitest';
import { createAnalyzer } from '../../src/analyze/analyzer.js';
import { A, ALONE_FAST, B, BUNDLED_FAST, BUNDLED_SLOW, NULL_PARTNER, S, T0, Wire, analyze, codes, healthy, only, side } from './builders.js';

const aId = `${A.system}/${A.port}`;

/** Healthy exchange where A skips sending between `gapFrom` and `gapFrom + gap`. */
function withGap(gap: number, o: { fast?: boolean; end?: number } = {}) {
  const fast = o.fast ?? true;
  const period = fast ? 1 : 30;
  const gapFrom = 10 * period;
  const w = new Wire();
  const end = o.end ?? gapFrom + gap + 5 * period;
  healthy(w, { from: 0, to: gapFrom, xFast: fast, yFast: fast, offset: period / 2 });
  const resume = gapFrom + gap;
  // B keeps sending during the gap; A resumes at gapFrom + gap.
  const xs = fast ? BUNDLED_FAST : BUNDLED_SLOW;
  const events: [number, () => void][] = [];
  for (let t = gapFrom + period / 2; t <= end; t += period) events.push([t, () => w.lacp(t, side(B, xs), side(A, xs))]);
  for (let t = resume; t <= end; t += period) events.push([t, () => w.lacp(t, side(A, xs), side(B, xs))]);
  events.sort((x, y) => x[0] - y[0]).forEach(([, f]) => f());
  return analyze(w.pdus);
}

describe('F3 LATE_PDU and PDU_TIMEOUT against the requested rate', () => {
  it('fast: 1.5 s is on time, 1.6 s is late, 3 s is a timeout', () => {
    expect(codes(withGap(1.5))).toEqual([]);
    const late = withGap(1.6);
    expect(codes(late)).toEqual(['LATE_PDU']);
    expect(late.findings[0].port).toBe(aId);
    expect(late.findings[0].severity).toBe('warning');
    expect(codes(withGap(2.9))).toEqual(['LATE_PDU']);
    const to = withGap(3);
    expect(codes(to)).toEqual(['PDU_TIMEOUT']);
    expect(to.findings[0].severity).toBe('error');
    expect(Number(to.findings[0].until) - Number(to.findings[0].time)).toBeCloseTo(3, 6);
  });

  it('slow: 45 s is on time, 46 s is late, 90 s is a timeout', () => {
    expect(codes(withGap(45, { fast: false }))).toEqual([]);
    expect(codes(withGap(46, { fast: false }))).toEqual(['LATE_PDU']);
    expect(codes(withGap(89, { fast: false }))).toEqual(['LATE_PDU']);
    expect(codes(withGap(90, { fast: false }))).toEqual(['PDU_TIMEOUT']);
  });

  it('the factor is configurable', () => {
    const w = withGap(1.6);
    expect(codes(w)).toEqual(['LATE_PDU']);
    const w2 = new Wire();
    healthy(w2, { from: 0, to: 10, skipX: (t) => t === 5 });
    expect(codes(analyze(w2.pdus, { lateFactor: 2.5 }))).toEqual([]);
    expect(codes(analyze(w2.pdus))).toEqual(['LATE_PDU']);
  });

  it('repeated late gaps are one episode', () => {
    const w = new Wire();
    healthy(w, { from: 0, to: 40, skipX: (t) => t % 4 === 2 });
    expect(only(analyze(w.pdus), 'LATE_PDU')).toHaveLength(1);
  });

  it('a sender silent while the capture goes on past the receiver timeout is a PDU_TIMEOUT', () => {
    const w = new Wire();
    healthy(w, { from: 0, to: 10 });
    // B keeps sending its unchanged view; A has stopped after t = 10.
    w.lacp(10.5, side(B, BUNDLED_FAST), side(A, BUNDLED_FAST));
    w.lacp(11.5, side(B, BUNDLED_FAST), side(A, BUNDLED_FAST));
    w.lacp(12.5, side(B, BUNDLED_FAST), side(A, BUNDLED_FAST));
    expect(codes(analyze(w.pdus))).toEqual([]);
    w.lacp(13, side(B, BUNDLED_FAST), side(A, BUNDLED_FAST));
    const r = analyze(w.pdus);
    expect(codes(r)).toEqual(['PDU_TIMEOUT']);
    expect(r.findings[0].port).toBe(aId);
    expect(r.findings[0].message).toContain('had not resumed');
  });

  it('the end of the capture is not a timeout', () => {
    const w = new Wire();
    healthy(w, { from: 0, to: 10, xFast: false, yFast: false, offset: 3 });
    expect(codes(analyze(w.pdus))).toEqual([]);
  });

  it("the receiver's Expired proves the silence even before the timeout has passed on the clock", () => {
    const w = new Wire();
    healthy(w, { from: 0, to: 10 });
    w.lacp(12, side(B, S.act | S.to | S.agg | S.exp), side(A, S.act | S.to | S.agg));
    const r = analyze(w.pdus);
    expect(codes(r)).toContain('PDU_TIMEOUT');
    expect(only(r, 'PDU_TIMEOUT')[0].message).toContain('reported Expired');
  });

  it('live: tick() moves the clock and raises the silence once', () => {
    const w = new Wire();
    healthy(w, { from: 0, to: 10 });
    const an = createAnalyzer();
    for (const p of w.pdus) an.push(p);
    expect(an.tick(T0 + 12)).toEqual([]);
    const ev = an.tick(T0 + 13.6);
    expect(ev.map((e) => (e.kind === 'finding' ? e.finding.code : e.kind))).toEqual(['PDU_TIMEOUT', 'PDU_TIMEOUT']);
    expect(an.tick(T0 + 20)).toEqual([]);
    expect(codes(an.report())).toEqual(['PDU_TIMEOUT', 'PDU_TIMEOUT']);
  });

  it('no gap judgement for a port without a partner (no receiver)', () => {
    const w = new Wire();
    w.lacp(0, side(A, ALONE_FAST), NULL_PARTNER);
    w.lacp(50, side(A, ALONE_FAST), NULL_PARTNER);
    expect(codes(analyze(w.pdus))).toEqual(['NO_PARTNER']);
  });
});

describe('F4 RATE_IGNORED', () => {
  const every = (period: number, n: number) => {
    const w = new Wire();
    for (let i = 0; i < n; i++) w.lacp(i * period, side(A, BUNDLED_FAST), side(B, BUNDLED_FAST));
    // B obeys: one PDU per second.
    for (let t = 0.3; t < n * period; t++) w.lacp(t, side(B, BUNDLED_FAST), side(A, BUNDLED_FAST));
    w.pdus.sort((x, y) => Number(x.time) - Number(y.time));
    return analyze(w.pdus);
  };

  it('fires when the median interval exceeds 1.5 s while fast was asked, over at least 3 gaps', () => {
    expect(codes(every(1.5, 10))).toEqual([]);
    expect(codes(every(2, 3))).not.toContain('RATE_IGNORED');
    const r = every(2, 4);
    expect(codes(r)).toContain('RATE_IGNORED');
    expect(only(r, 'RATE_IGNORED')).toHaveLength(1);
    expect(only(r, 'RATE_IGNORED')[0].port).toBe(aId);
  });

  it('a defaulted port falling back to the slow rate is not RATE_IGNORED', () => {
    const w = new Wire();
    for (let t = 0; t < 300; t += 30) w.lacp(t, side(A, ALONE_FAST), { ...NULL_PARTNER, state: S.to });
    expect(codes(analyze(w.pdus))).not.toContain('RATE_IGNORED');
  });

  it('fires when a port records the slow rate for 3 PDUs while its partner asks for fast', () => {
    const run = (n: number) => {
      const w = new Wire();
      for (let i = 0; i < n; i++) {
        w.lacp(i, side(B, BUNDLED_FAST), side(A, BUNDLED_SLOW));
        w.lacp(i + 0.5, side(A, BUNDLED_SLOW), side(B, BUNDLED_SLOW));
      }
      return analyze(w.pdus);
    };
    expect(codes(run(2))).not.toContain('RATE_IGNORED');
    expect(only(run(3), 'RATE_IGNORED').map((f) => f.port)).toEqual([aId]);
  });
});

describe('F17 TX_RATE_EXCEEDED', () => {
  const burst = (times: number[], more: { systemPriority?: number; portPriority?: number } = {}) => {
    const w = new Wire();
    w.lacp(-0.5, side(B, BUNDLED_FAST), side(A, BUNDLED_FAST, more));
    for (const t of times) w.lacp(t, side(A, BUNDLED_FAST, more), side(B, BUNDLED_FAST));
    return analyze(w.pdus);
  };
  it('4 PDUs within less than 1 s exceed the limit; 4 spread over exactly 1 s do not', () => {
    expect(codes(burst([0, 0.3, 0.6, 1.0]))).not.toContain('TX_RATE_EXCEEDED');
    const r = burst([0, 0.3, 0.6, 0.9]);
    expect(only(r, 'TX_RATE_EXCEEDED').map((f) => f.severity)).toEqual(['warning']);
  });
  it('byte-identical copies within 1 ms (SPAN or -i any doubling) are not counted', () => {
    expect(codes(burst([0, 0.0001, 0.5, 0.5001]))).not.toContain('TX_RATE_EXCEEDED');
  });
  it('is informational for Open vSwitch, which does not rate-limit', () => {
    const r = burst([0, 0.1, 0.2, 0.3], { systemPriority: 65535, portPriority: 65535 });
    expect(only(r, 'TX_RATE_EXCEEDED').map((f) => f.severity)).toEqual(['info']);
  });
});

describe('F24 ASYMMETRIC_RATE', () => {
  it('one informational finding per link with different rates', () => {
    const w = new Wire();
    healthy(w, { from: 0, to: 100, xFast: true, yFast: false });
    const f = only(analyze(w.pdus), 'ASYMMETRIC_RATE');
    expect(f).toHaveLength(1);
    expect(f[0].link).toBe(`${A.system}/${A.port} <-> ${B.system}/${B.port}`);
  });
  it('none when both ask for the same rate', () => {
    const w = new Wire();
    healthy(w, { from: 0, to: 100 });
    expect(codes(analyze(w.pdus))).toEqual([]);
  });
});
