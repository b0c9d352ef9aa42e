import { describe, expect, it } from 'vitest';
import { A, B, Wire, analyze, healthy } from './builders.js';

describe('healthy exchanges', () => {
  it('fast rate on both ends: bundled, no error or warning', () => {
    const w = new Wire();
    healthy(w, { from: 0, to: 120 });
    const r = analyze(w.pdus);
    expect(r.findings.filter((f) => f.severity !== 'info')).toEqual([]);
    expect(r.ports.map((p) => p.bundled)).toEqual([true, true]);
    expect(r.links).toHaveLength(1);
    expect(r.links[0].bundled).toBe(true);
    expect(r.ports[0].intervalMedian).toBeCloseTo(1, 6);
    expect(r.ports[0].requestedRate).toBe('fast');
  });

  it('slow rate on both ends: no error or warning, median 30 s', () => {
    const w = new Wire();
    healthy(w, { from: 0, to: 900, xFast: false, yFast: false, offset: 13 });
    const r = analyze(w.pdus);
    expect(r.findings).toEqual([]);
    expect(r.ports[0].intervalMedian).toBeCloseTo(30, 6);
    expect(r.ports[0].requestedRate).toBe('slow');
    expect(r.aggregations).toEqual([
      { system: A.system, key: A.key, ports: [`${A.system}/${A.port}`], partnerSystems: [B.system], partnerKeys: [B.key] },
      { system: B.system, key: B.key, ports: [`${B.system}/${B.port}`], partnerSystems: [A.system], partnerKeys: [A.key] },
    ]);
  });

  it('different rates per direction are legal: only the informational ASYMMETRIC_RATE', () => {
    const w = new Wire();
    healthy(w, { from: 0, to: 300, xFast: true, yFast: false });
    const r = analyze(w.pdus);
    expect(r.findings.map((f) => [f.code, f.severity])).toEqual([['ASYMMETRIC_RATE', 'info']]);
  });
});
