/**
 * The analyzer against real LACP implementations: for every lab scenario (captures/lab, made by
 * lab/ovs-lab.sh and lab/linux-bond-lab.sh), what the analyzer rebuilds from the capture must agree
 * with what Open vSwitch (`ovs-appctl lacp/show`, `lacp/show-stats`) and Linux
 * (/proc/net/bonding/bond0) reported about their own members at the end of the run.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { analyzeInputs } from '../../src/cli/pipeline.js';
import type { AnalysisReport, PortReport } from '../../src/analyze/model.js';
import { type MemberVerdict, type Scenario, loadScenarios, verdictBundled } from './verdicts.js';

const LAB = fileURLToPath(new URL('../../captures/lab/', import.meta.url));
const scenarios = loadScenarios(LAB);

/** Frames that reach the capture after the implementation's final counters were read. */
const AFTER_SNAPSHOT_SLACK = 3;

function portOf(report: AnalysisReport, m: MemberVerdict): PortReport | undefined {
  return report.ports.find((p) => p.id === m.port);
}

function describeMember(m: MemberVerdict): string {
  return `${m.implementation} ${m.owner} ${m.bond} ${m.member} (${m.port}: ${m.rx}${m.attached ? ' attached' : ''})`;
}

const SERIOUS = new Set(['error', 'warning']);
/** Finding codes CONTRACT.md gives the severity `info`. */
const INFO_CODES = new Set(['STANDBY', 'MARKER_UNANSWERED', 'ASYMMETRIC_RATE']);

describe('the lab scenarios', () => {
  it('are committed with the verdicts of the implementations that ran them', () => {
    expect(scenarios.length).toBeGreaterThanOrEqual(12);
    for (const s of scenarios) {
      expect(s.pcaps.length, s.name).toBeGreaterThan(0);
      expect(s.members.length, s.name).toBeGreaterThan(0);
    }
    const impls = new Set(scenarios.flatMap((s) => s.members.map((m) => m.implementation)));
    expect([...impls].sort()).toEqual(['linux', 'openvswitch']);
  });

  it("read the same verdicts as the lab script's own summary in scenario.json", () => {
    for (const s of scenarios) {
      const fromFiles = s.members.map((m) => (m.implementation === 'linux' ? `${m.member} ${m.actorState} ${m.partner?.split('/')[0] ?? '00:00:00:00:00:00'}` : `${m.owner} ${m.bond} ${m.member} ${m.rx} ${m.attached}`));
      const fromJson = [
        ...(s.summary.openvswitch ?? []).flatMap((b) => b.members.map((m) => `${b.switch} ${b.bond} ${m.name} ${m.rx} ${m.attached}`)),
        ...(s.summary.linux?.slaves ?? []).map((x) => `${x.name} ${x.actorState} ${x.partnerMac}`),
      ];
      expect(fromFiles, s.name).toEqual(fromJson);
    }
  });
});

describe.each(scenarios.map((s) => [s.name, s] as [string, Scenario]))('lab scenario %s', (_name, s) => {
  let merged: AnalysisReport;
  let perInterface: AnalysisReport;

  beforeAll(async () => {
    merged = (await analyzeInputs([s.pcapng])).report;
    perInterface = (await analyzeInputs(s.pcaps)).report;
  });

  it('each member that sent LACPDUs is a port with the receive state and partner its implementation reports', () => {
    for (const m of s.members) {
      const p = portOf(merged, m);
      if (m.txPdus === 0) {
        expect(p, `${describeMember(m)} sent nothing`).toBeUndefined();
        continue;
      }
      expect(p, describeMember(m)).toBeDefined();
      if (!p) continue;
      expect(p.rxState, describeMember(m)).toBe(m.rx);
      expect(p.peer, describeMember(m)).toBe(m.rx === 'defaulted' ? null : m.partner);
    }
  });

  it('is bundled exactly where the implementation shows itself and its partner in sync, collecting and distributing', () => {
    for (const m of s.members) {
      const p = portOf(merged, m);
      if (!p) continue;
      expect(p.bundled, describeMember(m)).toBe(verdictBundled(m));
      const link = merged.links.find((l) => l.ports.includes(m.port) && m.partner !== null && l.ports.includes(m.partner));
      if (verdictBundled(m)) expect(link?.bundled, describeMember(m)).toBe(true);
    }
  });

  it("counts as many LACPDUs per port as Open vSwitch's lacp/show-stats says it sent", () => {
    const counted = s.members.filter((m) => m.txPdus !== null && m.txPdus > 0);
    for (const m of counted) {
      const p = portOf(merged, m);
      expect(p, describeMember(m)).toBeDefined();
      if (!p || m.txPdus === null) continue;
      let sent = p.pdus;
      // A system id change splits one member's PDUs over its old identity and its new one.
      if (sent < m.txPdus && merged.findings.some((f) => f.code === 'SYSTEM_CHANGED')) {
        const before = merged.ports.filter((q) => q.system !== p.system && q.port === p.port && q.id !== m.partner && q.interfaces.join() === p.interfaces.join());
        sent += before.reduce((n, q) => n + q.pdus, 0);
      }
      expect(sent, describeMember(m)).toBeGreaterThanOrEqual(m.txPdus);
      expect(sent, describeMember(m)).toBeLessThanOrEqual(m.txPdus + AFTER_SNAPSHOT_SLACK);
    }
  });

  it('reports the findings the scenario was built to show', () => {
    const codes = new Set(merged.findings.map((f) => f.code));
    for (const code of s.expectedFindings) expect([...codes], `expected ${code}`).toContain(code);
  });

  it('raises no error or warning where every member stayed healthy, and at least one where one did not', () => {
    const serious = merged.findings.filter((f) => SERIOUS.has(f.severity));
    // Healthy: bundled at the end, nothing counted against any member on the way, and nothing done
    // to the scenario that should alarm (only informational codes expected).
    const healthy =
      s.members.every((m) => verdictBundled(m) && m.attached && m.incidents === 0) &&
      s.expectedFindings.every((code) => INFO_CODES.has(code));
    if (healthy) expect(serious.map((f) => `${f.code} ${f.port ?? f.link}: ${f.message}`)).toEqual([]);
    else expect(serious.length).toBeGreaterThan(0);
  });

  it('gives the same analysis from one pcap per member as from the multi-interface pcapng', () => {
    const summary = (r: AnalysisReport) => ({
      ports: r.ports.map((p) => `${p.id} ${p.pdus} ${p.peer} ${p.rxState} ${p.bundled}`).sort(),
      links: r.links.map((l) => `${l.ports.join(' ')} ${l.bundled}`).sort(),
      findings: [...new Set(r.findings.map((f) => `${f.code} ${f.port ?? f.link}`))].sort(),
    });
    expect(summary(perInterface)).toEqual(summary(merged));
  });
});

describe('the bundled demo capture', () => {
  const demo = fileURLToPath(new URL('../../captures/demo/demo.pcapng', import.meta.url));
  const source = scenarios.find((s) => s.name === 'partner-stops-lacp');

  it('is the lab capture of a partner that stops LACP, byte for byte', () => {
    expect(source).toBeDefined();
    if (source) expect(readFileSync(demo).equals(readFileSync(source.pcapng))).toBe(true);
  });

  it('shows a real failure: the members Open vSwitch reports defaulted are errors in the analysis', async () => {
    const { report } = await analyzeInputs([demo]);
    const defaulted = (source?.members ?? []).filter((m) => m.rx === 'defaulted');
    expect(defaulted.length).toBeGreaterThan(0);
    for (const m of defaulted) {
      const errors = report.findings.filter((f) => f.severity === 'error' && (f.port === m.port || f.link?.includes(m.port)));
      expect(errors.length, describeMember(m)).toBeGreaterThan(0);
    }
  });
});
