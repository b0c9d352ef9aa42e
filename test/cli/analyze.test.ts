/** `lacpscope analyze` and the default command off a terminal, end to end on real and generated captures. */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { CONTRACT_KEYS } from '../../src/report/json.js';
import { GENERATED, HAVE_PUBLIC, ROOT, STACK, cli, ensureBuilt, pub } from './support.js';

beforeAll(ensureBuilt);

interface Finding {
  code: string;
  severity: 'error' | 'warning' | 'info';
}

function analyzeJson(files: string[], extra: string[] = []) {
  const r = cli(['analyze', '--format', 'json', ...extra, ...files]);
  expect(r.stderr).not.toMatch(STACK);
  expect([0, 1]).toContain(r.code);
  return { code: r.code, report: JSON.parse(r.stdout) as Record<string, any> };
}

function keysStart(obj: object, keys: readonly string[]) {
  expect(Object.keys(obj).slice(0, keys.length)).toEqual(keys);
}

describe.skipIf(!HAVE_PUBLIC)('analyze on the public captures', () => {
  const files = ['tcpdump/LACP.pcap', 'ddos-gen/only_lacp.pcap', 'wireshark-samplecaptures/lacp1.pcap.gz', 'icebale-readthedocs/lacp1.pcapng', 'tcpdump/slow-ossp.pcap'];

  it.each(files)('%s: JSON in the contract shape, key order included', (file) => {
    const { report } = analyzeJson([pub(file)], ['--fail-on', 'never']);
    keysStart(report, CONTRACT_KEYS.report);
    expect(report.sources).toHaveLength(1);
    keysStart(report.sources[0], CONTRACT_KEYS.source);
    expect(report.sources[0].name).toBe(file.split('/').pop());
    for (const p of report.ports) {
      keysStart(p, CONTRACT_KEYS.port);
      expect(p.id).toBe(`${p.system}/${p.port}`);
      for (const e of p.timeline) {
        keysStart(e, CONTRACT_KEYS.timelineEntry);
        keysStart(e.actor, CONTRACT_KEYS.portInfo);
      }
    }
    for (const l of report.links) keysStart(l, CONTRACT_KEYS.link);
    for (const a of report.aggregations) keysStart(a, CONTRACT_KEYS.aggregation);
    for (const f of report.findings) keysStart(f, CONTRACT_KEYS.finding);
    const times = report.findings.map((f: { time: string }) => Number(f.time));
    expect(times).toEqual([...times].sort((a, b) => a - b));
  });

  it.each(files)('%s: the exit status follows --fail-on and the findings', (file) => {
    const { report } = analyzeJson([pub(file)], ['--fail-on', 'never']);
    const sev = new Set((report.findings as Finding[]).map((f) => f.severity));
    expect(cli(['analyze', pub(file)]).code).toBe(sev.has('error') ? 1 : 0);
    expect(cli(['analyze', '--fail-on', 'warning', pub(file)]).code).toBe(sev.has('error') || sev.has('warning') ? 1 : 0);
    expect(cli(['analyze', '--fail-on', 'never', pub(file)]).code).toBe(0);
  });

  it('the Juniper port that never hears a partner is an error (exit 1)', () => {
    const { code, report } = analyzeJson([pub('ddos-gen/only_lacp.pcap')]);
    expect(code).toBe(1);
    expect(report.ports.map((p: { id: string }) => p.id)).toEqual(['4c:96:14:e5:b6:00/1']);
    expect((report.findings as Finding[]).map((f) => f.code)).toContain('NO_PARTNER');
  });

  it('the Cisco pair in LACP.pcap is paired into one link that ends bundled', () => {
    const { report } = analyzeJson([pub('tcpdump/LACP.pcap')], ['--fail-on', 'never']);
    expect(report.links).toHaveLength(1);
    expect([...report.links[0].ports].sort()).toEqual(['00:0e:83:16:f5:00/25', '00:13:c4:12:0f:00/22']);
    expect(report.links[0].bundled).toBe(true);
  });

  it('several inputs are merged: every source is listed and ports from both are seen', () => {
    const { report } = analyzeJson([pub('tcpdump/LACP.pcap'), pub('icebale-readthedocs/lacp1.pcapng')], ['--fail-on', 'never']);
    expect(report.sources.map((s: { name: string }) => s.name)).toEqual(['LACP.pcap', 'lacp1.pcapng']);
    const systems = new Set(report.ports.map((p: { system: string }) => p.system));
    expect(systems).toContain('00:13:c4:12:0f:00');
    expect(systems).toContain('50:00:00:03:80:00');
  });

  it('text: summary, status lines, findings by severity, timelines', () => {
    const r = cli(['analyze', '--fail-on', 'never', pub('icebale-readthedocs/lacp1.pcapng')]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^lacpscope: 2 ports, 1 link, 2 aggregations; findings: /);
    for (const h of ['Aggregations', 'Links', 'Ports', 'Findings']) expect(r.stdout.split('\n')).toContain(h);
    expect(r.stdout).toMatch(/^Timelines/m);
    expect(r.stdout).toContain('**DCSG*A'); // 0x3d, the steady state both sides send
    expect(r.stdout).not.toMatch(/\x1b\[/); // no colour off a terminal
  });

  it('markdown: an incident report with its sections and rectangular tables', () => {
    const r = cli(['analyze', '--format', 'markdown', '--fail-on', 'never', pub('tcpdump/LACP.pcap')]);
    expect(r.code).toBe(0);
    const lines = r.stdout.split('\n');
    expect(lines[0]).toBe('# LACP incident report');
    for (const h of ['## Summary', '## Findings', '## Links', '## Ports', '## Timelines']) expect(lines).toContain(h);
    const header = lines.indexOf('| Link | Interfaces | Bundled | Port status |');
    expect(header).toBeGreaterThan(0);
    expect(lines[header + 2]).toMatch(/^\| `00:[0-9a-f:]+\/\d+ <-> 00:[0-9a-f:]+\/\d+` \| LACP\.pcap \| yes \|/);
  });

  it('standard input gives the same analysis as the file', () => {
    const file = pub('tcpdump/LACP.pcap');
    const direct = analyzeJson([file], ['--fail-on', 'never']).report;
    const piped = cli(['analyze', '--format', 'json', '--fail-on', 'never', '-'], { input: readFileSync(file) });
    expect(piped.code).toBe(0);
    const report = JSON.parse(piped.stdout);
    expect(report.sources[0].name).toBe('-');
    expect(report.findings.map((f: Finding) => f.code)).toEqual(direct.findings.map((f: Finding) => f.code));
    expect(report.ports.map((p: { id: string }) => p.id)).toEqual(direct.ports.map((p: { id: string }) => p.id));
  });

  it('a threshold override changes the analysis', () => {
    const base = analyzeJson([pub('ddos-gen/only_lacp.pcap')], ['--fail-on', 'never']).report;
    // Evidence lists are bounded by maxEvidenceFrames: a bound of 1 leaves one frame per finding.
    const bounded = analyzeJson([pub('ddos-gen/only_lacp.pcap')], ['--fail-on', 'never', '--threshold', 'maxEvidenceFrames=1']).report;
    expect(base.findings.some((f: { frames: number[] }) => f.frames.length > 1)).toBe(true);
    for (const f of bounded.findings) expect(f.frames.length).toBeLessThanOrEqual(1);
  });

  it('the default command off a terminal prints the analyze text report with its exit status', () => {
    const file = pub('ddos-gen/only_lacp.pcap');
    const viaDefault = cli([file]);
    const viaAnalyze = cli(['analyze', file]);
    expect(viaDefault.stdout).toBe(viaAnalyze.stdout);
    expect(viaDefault.code).toBe(viaAnalyze.code);
  });
});

describe('analyze on generated captures (captures/generated)', () => {
  it('the two ends of a link captured in separate files are paired', () => {
    const { report } = analyzeJson([join(GENERATED, 'decode/link-a.pcap'), join(GENERATED, 'decode/link-b.pcap')], ['--fail-on', 'never']);
    expect(report.sources.map((s: { name: string }) => s.name)).toEqual(['link-a.pcap', 'link-b.pcap']);
    // Each file holds one direction (tshark: link-a from 02:aa:…, link-b from 02:bb:…): one link, seen in both.
    expect(report.links).toHaveLength(1);
    expect([...report.links[0].ports].sort()).toEqual(['02:aa:00:00:00:01/1', '02:bb:00:00:00:02/5']);
    expect([...report.links[0].interfaces].sort()).toEqual(['link-a.pcap', 'link-b.pcap']);
  });
});

const HAVE_SCRIPT = spawnSync('script', ['--version'], { stdio: 'ignore' }).status === 0;

describe.skipIf(!HAVE_SCRIPT)('colour on a terminal (util-linux script gives the command a pty)', () => {
  const file = join(GENERATED, 'decode/link-a.pcap');
  const onTty = (env: string, args: string) =>
    spawnSync('script', ['-qec', `${env} node bin/lacpscope.js analyze ${args} "${file}"`, '/dev/null'], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, NO_COLOR: undefined } }).stdout;

  it('text is coloured on a terminal', () => {
    expect(onTty('', '')).toMatch(/\x1b\[1mlacpscope\x1b\[22m: /);
  });
  it('but not with NO_COLOR or --no-color', () => {
    const plain = onTty('NO_COLOR=1', '');
    expect(plain).toMatch(/^lacpscope: /);
    expect(plain).not.toMatch(/\x1b\[/);
    expect(onTty('', '--no-color')).not.toMatch(/\x1b\[/);
  });
});

describe.skipIf(!HAVE_PUBLIC)('the default command on standard input, off a terminal', () => {
  it('cat FILE | lacpscope - prints the same report as analyze -', () => {
    const input = readFileSync(pub('ddos-gen/only_lacp.pcap'));
    const viaDefault = cli(['-'], { input });
    const viaAnalyze = cli(['analyze', '-'], { input });
    expect(viaDefault.code).toBe(1);
    expect(viaDefault.stdout).toBe(viaAnalyze.stdout);
    expect(viaDefault.stdout).toContain('NO_PARTNER');
  });
});
