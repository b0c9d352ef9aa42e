/**
 * The analyzer on the real public captures (../shared/captures/public), read and decoded by the
 * project's own reader and decoder, against the timelines in SOURCES.md and notes section 6.
 */
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { AnalysisReport } from '../../src/analyze/model.js';
import { analyzeInputs } from '../../src/cli/pipeline.js';

const PUBLIC = '../shared/captures/public';
const havePublic = existsSync(PUBLIC);

async function analyzeFile(rel: string): Promise<AnalysisReport> {
  return (await analyzeInputs([`${PUBLIC}/${rel}`])).report;
}

const summary = (r: AnalysisReport) => r.findings.map((f) => `${f.code} ${f.port}`);

describe.skipIf(!havePublic)(`public captures in ${PUBLIC} (skipped when that directory is absent)`, () => {
  it('tcpdump LACP.pcap: Expired, Defaulted and no partner early, then a passive partner and a bundled link at the end', async () => {
    const r = await analyzeFile('tcpdump/LACP.pcap');
    const a = '00:13:c4:12:0f:00/22';
    const b = '00:0e:83:16:f5:00/25';
    expect(summary(r)).toEqual([`EXPIRED ${a}`, `DEFAULTED ${a}`, `NO_PARTNER ${a}`]);
    const [expired, defaulted, noPartner] = r.findings;
    expect(expired.frames).toEqual([1, 2, 3]);
    expect(defaulted.frames.slice(0, 5)).toEqual([4, 5, 6, 7, 8]);
    expect(noPartner.frames).toEqual([4, 5, 6, 7, 8]);
    // Everything wrong happened before the passive partner showed up at frame 9 (84.96 s).
    for (const f of r.findings) expect(Number(f.time) - Number(r.ports[0].firstSeen)).toBeLessThan(84.9);
    expect(r.ports.map((p) => [p.id, p.stack, p.bundled, p.rxState, p.muxState])).toEqual([
      [a, 'cisco', true, 'current', 'collecting-distributing'],
      [b, 'cisco', true, 'current', 'collecting-distributing'],
    ]);
    const passive = r.ports[1];
    expect(passive.timeline.every((e) => (e.actor.state & 1) === 0)).toBe(true);
    expect(r.links).toEqual([{ ports: [b, a], interface: 'LACP.pcap', interfaces: ['LACP.pcap'], bundled: true }]);
    // A's timeline: Expired -> Defaulted (0x4d, 0x7d) -> ... -> bundled 0x3d.
    expect(r.ports[0].timeline.map((e) => e.actor.state)).toEqual([0x85, 0x4d, 0x7d, 0x4d, 0x45, 0x0d, 0x3d, 0x3d]);
    expect(r.ports[0].timeline.map((e) => e.rxState).slice(0, 3)).toEqual(['expired', 'defaulted', 'defaulted']);
  });

  it('ddos-gen only_lacp.pcap: Juniper alone, NO_PARTNER only (no false timeout, no Expired/Defaulted alarm)', async () => {
    const r = await analyzeFile('ddos-gen/only_lacp.pcap');
    expect(summary(r)).toEqual(['NO_PARTNER 4c:96:14:e5:b6:00/1']);
    expect(r.ports[0]).toMatchObject({ stack: 'juniper', pdus: 26, peer: null, bundled: false, rxState: 'defaulted', requestedRate: 'fast' });
    expect(r.ports[0].intervalMedian).toBeCloseTo(1.0, 1);
  });

  it('wireshark lacp1.pcap: Extreme port never answered, NO_PARTNER', async () => {
    const r = await analyzeFile('wireshark-samplecaptures/lacp1.pcap');
    expect(summary(r)).toEqual(['NO_PARTNER 00:04:96:1f:50:6a/18']);
    expect(r.ports[0]).toMatchObject({ stack: 'extreme', pdus: 10, bundled: false });
    expect(r.ports[0].intervalMedian).toBeCloseTo(1.206, 2);
  });

  it('icebale lacp1.pcapng: X falls silent (~86 s at the slow rate) -> PDU_TIMEOUT of X, then Expired and Defaulted on Y', async () => {
    const r = await analyzeFile('icebale-readthedocs/lacp1.pcapng');
    const x = '50:00:00:03:80:00/2';
    const y = '50:00:00:05:80:00/2';
    expect(summary(r)).toEqual([`PDU_TIMEOUT ${x}`, `EXPIRED ${y}`, `DEFAULTED ${y}`]);
    const [timeout, expired, defaulted] = r.findings;
    expect(timeout.frames[0]).toBe(23);
    expect(timeout.frames).toContain(27);
    expect(timeout.message).toMatch(/reported Expired 86 s after/);
    expect(expired.frames[0]).toBe(27);
    expect(defaulted.frames).toEqual([33, 34]);
    expect(r.ports.find((p) => p.id === x)).toMatchObject({ requestedRate: 'slow', bundled: false });
    expect(r.ports.find((p) => p.id === x)!.intervalMedian).toBeGreaterThan(25);
  });

  it('tcpdump slow-ossp.pcap: not LACP, so no port and only NO_LACPDUS', async () => {
    const r = await analyzeFile('tcpdump/slow-ossp.pcap');
    expect(r.ports).toEqual([]);
    expect(summary(r)).toEqual(['NO_LACPDUS null']);
  });
});
