import { describe, expect, it } from 'vitest';
import { renderText } from '../../src/report/text.js';
import { renderMarkdown } from '../../src/report/markdown.js';
import { CONTRACT_KEYS, renderJson } from '../../src/report/json.js';
import { describeChanges, formatClock, formatDateTime, formatDuration } from '../../src/report/common.js';
import { info } from './fixture.js';
import { sampleReport } from './fixture.js';

const ANSI = /\x1b\[[0-9;]*m/;

describe('renderText', () => {
  const text = renderText(sampleReport());
  const lines = text.split('\n');

  it('opens with a summary of ports, links, aggregations and findings by severity', () => {
    expect(lines[0]).toBe('lacpscope: 3 ports, 1 link, 3 aggregations; findings: 1 error, 1 warning, 1 info');
    expect(text).toContain('Capture: 2023-11-14 22:13:20.000 UTC to 22:14:20.000 (60.0 s)');
    expect(text).toContain('eth0.pcap: pcap, 1000 frames, 40 slow, 38 LACPDUs, 1 malformed');
    expect(text).toContain('eth1.pcapng: pcapng (gzip), 20 frames, 20 slow, 20 LACPDUs, 0 malformed, cut at byte 4242');
  });

  it('gives a verdict: links bundled and the first finding of the worst severity', () => {
    expect(lines[1]).toBe('Verdict: 1 of 1 link bundled; 1 error, the first NO_PARTNER on 02:cc:00:00:00:03/7 at 22:13:30.000');
    const onlyInfo = { ...sampleReport(), findings: sampleReport().findings.filter((f) => f.severity === 'info') };
    expect(renderText(onlyInfo).split('\n')[1]).toBe('Verdict: 1 of 1 link bundled; no errors or warnings');
    const warnings = { ...sampleReport(), findings: sampleReport().findings.filter((f) => f.severity !== 'error') };
    expect(renderText(warnings).split('\n')[1]).toBe('Verdict: 1 of 1 link bundled; 1 warning, the first TRUNCATED_CAPTURE on capture eth1.pcapng at 22:13:50.000');
  });

  it('gives one status line per aggregation and link', () => {
    const aggregations = lines.slice(lines.indexOf('Aggregations') + 1, lines.indexOf('Links') - 1);
    expect(aggregations).toHaveLength(3);
    expect(aggregations[0]).toMatch(/^ {2}healthy {2}02:aa:00:00:00:01 key 17: 1\/1 port bundled, partner 02:bb:00:00:00:02 key 33/);
    expect(aggregations[2]).toMatch(/^ {2}down {2}02:cc:00:00:00:03 key 9: 0\/1 port bundled, no partner \(1 error, 0 warnings, 0 info\)/);
    const links = lines.slice(lines.indexOf('Links') + 1, lines.indexOf('Ports') - 1);
    expect(links).toEqual(['  healthy  02:aa:00:00:00:01/1 <-> 02:bb:00:00:00:02/5 on eth0']);
  });

  it('describes each port with partner, interval, requested rate and derived states', () => {
    expect(text).toContain(
      '  02:cc:00:00:00:03/7 key 9 on eth1: defaulted, no partner; 20 PDUs every 1.0 s, max 1.2 s, asked for fast rate; rx defaulted, mux detached',
    );
    expect(text).toContain('02:aa:00:00:00:01/1 key 17 on eth0: bundled, partner 02:bb:00:00:00:02/5;');
  });

  it('lists findings errors first, each with place, time, evidence frames and the sentence to act on', () => {
    const codes = lines.filter((l) => /^ {2}(ERROR|WARNING|INFO) /.test(l)).map((l) => l.trim().split(/\s+/)[1]);
    expect(codes).toEqual(['NO_PARTNER', 'TRUNCATED_CAPTURE', 'ASYMMETRIC_RATE']);
    const i = lines.findIndex((l) => /^ {2}ERROR +NO_PARTNER/.test(l));
    expect(lines[i]).toContain('02:cc:00:00:00:03/7  22:13:30.000 to 22:13:50.000 (20.0 s)');
    // Several inputs: the frames are named with their source so they can be found.
    expect(lines[i]).toContain('frames 1, 2, 3 in eth1.pcapng');
    expect(lines[i + 1].trim()).toBe('Port 7 sends LACP but hears no partner | check that LACP is enabled on the far end.');
  });

  it('prints timelines with Wireshark state strings, relative times and what changed', () => {
    const t = lines.findIndex((l) => l.startsWith('Timelines'));
    expect(t).toBeGreaterThan(0);
    const row = lines.find((l) => l.includes('#9 eth0.pcap'));
    expect(row).toBeDefined();
    expect(row).toContain('22:13:21.250');
    expect(row).toContain('+1.250 s');
    expect(row).toContain('actor **DCSG*A');
    expect(row).toContain('partner 02:bb:00:00:00:02/5 key 33 **DCSG*A');
    expect(row).toContain('actor +synchronization +collecting +distributing; partner new partner');
    expect(text).toContain('actor *F***GSA'); // 0x47: Defaulted, Aggregation, Short timeout, Activity
  });

  it('uses colour only when asked', () => {
    expect(text).not.toMatch(ANSI);
    const coloured = renderText(sampleReport(), { color: true });
    expect(coloured).toMatch(ANSI);
    expect(coloured.replace(/\x1b\[[0-9;]*m/g, '')).toBe(text);
  });

  it('never prints undefined or NaN, also for an empty report', () => {
    expect(text).not.toMatch(/undefined|NaN/);
    const empty = renderText({ sources: [], ports: [], links: [], aggregations: [], findings: [] });
    expect(empty).toBe(
      'lacpscope: 0 ports, 0 links, 0 aggregations; findings: 0 errors, 0 warnings, 0 info\nVerdict: no link seen from both ends; no errors or warnings\n\nFindings\n  none\n',
    );
  });
});

/** Cells of a Markdown table row, with `\|` kept inside its cell. */
function cells(row: string): string[] {
  return row.slice(1, -1).split(/(?<!\\)\|/);
}

describe('renderMarkdown', () => {
  const md = renderMarkdown(sampleReport());
  const lines = md.split('\n');

  it('is an incident report with a summary table and every section', () => {
    expect(lines[0]).toBe('# LACP incident report');
    for (const h of ['## Summary', '## Findings', '## Aggregations', '## Links', '## Ports', '## Timelines']) expect(lines).toContain(h);
    expect(md).toContain('| **Findings** | 1 error, 1 warning, 1 info |');
    expect(md).toContain('| **Verdict** | 1 of 1 link bundled; 1 error, the first NO_PARTNER on 02:cc:00:00:00:03/7 at 22:13:30.000 |');
    expect(md).toContain('| **Time span** | 2023-11-14 22:13:20.000 UTC to 2023-11-14 22:14:20.000 UTC (60.0 s) |');
  });

  it('keeps every table rectangular, escaping pipes inside cells', () => {
    let width = 0;
    for (const l of lines) {
      if (!l.startsWith('|')) {
        width = 0;
        continue;
      }
      const n = cells(l).length;
      if (width === 0) width = n;
      expect(n, l).toBe(width);
    }
    expect(md).toContain('hears no partner \\| check that LACP');
  });

  it('lists findings by severity with their times, evidence and message', () => {
    const rows = lines.filter((l) => /^\| (error|warning|info) \|/.test(l));
    expect(rows.map((r) => cells(r)[1].trim())).toEqual(['`NO_PARTNER`', '`TRUNCATED_CAPTURE`', '`ASYMMETRIC_RATE`']);
    const noPartner = cells(rows[0]).map((c) => c.trim());
    expect(noPartner.slice(2, 6)).toEqual(['`02:cc:00:00:00:03/7`', '22:13:30.000 (+10.000 s)', '22:13:50.000', 'frames 1, 2, 3 in eth1.pcapng']);
  });

  it('shows per-link status and per-port timelines with state strings', () => {
    expect(md).toContain('| `02:aa:00:00:00:01/1 <-> 02:bb:00:00:00:02/5` | eth0 | yes | `02:aa:00:00:00:01/1` bundled; `02:bb:00:00:00:02/5` bundled |');
    expect(lines).toContain('### `02:cc:00:00:00:03/7` on eth1');
    expect(md).toContain('| `*F***GSA` | `00:00:00:00:00:00/0` | 0 | `********` |');
  });
});

describe('renderJson', () => {
  const report = sampleReport();
  const doc = JSON.parse(renderJson(report));

  function startsWith(obj: object, keys: readonly string[]) {
    expect(Object.keys(obj).slice(0, keys.length)).toEqual(keys);
  }

  it('holds exactly the report', () => {
    expect(doc).toEqual(report);
  });

  it('orders every object as CONTRACT.md does, extensions after', () => {
    expect(Object.keys(doc)).toEqual(['sources', 'ports', 'links', 'aggregations', 'findings']);
    startsWith(doc.sources[0], CONTRACT_KEYS.source);
    expect(Object.keys(doc.sources[0]).slice(CONTRACT_KEYS.source.length).sort()).toEqual(['gzip', 'snapCut', 'truncatedAt']);
    startsWith(doc.ports[0], CONTRACT_KEYS.port);
    startsWith(doc.ports[0].timeline[0], CONTRACT_KEYS.timelineEntry);
    startsWith(doc.ports[0].timeline[0].actor, CONTRACT_KEYS.portInfo);
    startsWith(doc.links[0], CONTRACT_KEYS.link);
    startsWith(doc.aggregations[0], CONTRACT_KEYS.aggregation);
    startsWith(doc.findings[0], CONTRACT_KEYS.finding);
    expect(Object.keys(doc.findings[0])).toContain('source');
  });

  it('uses the contract order even when the analyzer built objects in another order', () => {
    const f = report.findings[0];
    const shuffled = { ...report, findings: [{ message: f.message, code: f.code, until: f.until, time: f.time, frames: f.frames, link: f.link, port: f.port, severity: f.severity }] };
    expect(Object.keys(JSON.parse(renderJson(shuffled)).findings[0])).toEqual([...CONTRACT_KEYS.finding]);
  });
});

describe('time and duration formatting', () => {
  it('formats exact decimal seconds as UTC without rounding up', () => {
    expect(formatClock('1258257730.999999999')).toBe('04:02:10.999');
    expect(formatDateTime('1258257730.5')).toBe('2009-11-15 04:02:10.500 UTC');
  });
  it('chooses a unit by magnitude', () => {
    expect(formatDuration(0.25)).toBe('250 ms');
    expect(formatDuration(29.84)).toBe('29.8 s');
    expect(formatDuration(125)).toBe('2 min 5 s');
    expect(formatDuration(3 * 3600 + 120)).toBe('3 h 2 min');
  });
});

describe('describeChanges', () => {
  const entry = (actorState: number, partnerState: number, changes: string[], key = 17) => ({
    time: '1.0',
    frame: 1,
    source: 's',
    actor: { ...info('02:aa:00:00:00:01', 1, key, actorState) },
    partner: info('02:bb:00:00:00:02', 5, 33, partnerState),
    rxState: 'current' as const,
    muxState: 'detached' as const,
    changes,
  });
  it('shows which way each state bit went', () => {
    expect(describeChanges(entry(0x85, 0x3d, ['actor.expired', 'actor.synchronization']))).toBe('actor +expired -synchronization');
  });
  it('names a changed key with its new value and a new partner in one word', () => {
    expect(describeChanges(entry(0x3d, 0x3d, ['actor.key', 'partner.system', 'partner.port', 'partner.key', 'partner.collecting'], 99))).toBe(
      'actor key 99; partner +collecting new partner',
    );
  });
  it('keeps changes it does not know as they are', () => {
    expect(describeChanges(entry(0x3d, 0x3d, ['partner.key', 'interface']))).toBe('partner key 33; interface');
  });
});
