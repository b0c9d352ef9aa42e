/**
 * `analyze --format markdown`: an incident report to paste into a ticket: summary table, findings
 * with their times and evidence frames, per-aggregation and per-link status, port timelines.
 */
import type { AnalysisReport, PortReport } from '../analyze/model.js';
import { stateString } from '../decode/format.js';
import { describeChanges, findingFrames, findingPlace, findingsBySeverity, formatClock, formatDateTime, formatDuration, isMultiSource, portInterval, portStatus, statusOf, relative, severitySummary, timeSpan, verdict } from './common.js';

/** A table cell: pipes escaped and line breaks flattened so one value stays one cell. */
function cell(v: string | number | boolean | null): string {
  return String(v ?? '—').replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

function table(header: readonly string[], rows: readonly (readonly (string | number | boolean | null)[])[]): string[] {
  return [
    `| ${header.join(' | ')} |`,
    `| ${header.map(() => '---').join(' | ')} |`,
    ...rows.map((r) => `| ${r.map(cell).join(' | ')} |`),
  ];
}

function code(s: string): string {
  return `\`${s}\``;
}

function portRow(p: PortReport): (string | number | boolean | null)[] {
  return [
    code(p.id),
    p.key,
    p.interfaces.join(', '),
    portStatus(p),
    p.peer === null ? null : code(p.peer),
    `${p.pdus} (${portInterval(p)})`,
    p.requestedRate,
    `${p.rxState} / ${p.muxState}`,
    p.stack,
  ];
}

export function renderMarkdown(report: AnalysisReport): string {
  const multi = isMultiSource(report);
  const span = timeSpan(report);
  const ports = new Map(report.ports.map((p) => [p.id, p]));
  const out: string[] = ['# LACP incident report', ''];

  const summary: [string, string][] = [
    ['Verdict', verdict(report)],
    ['Inputs', report.sources.map((s) => `${code(s.name)} (${s.format ?? 'unknown'}${s.gzip ? ', gzip' : ''}${s.truncated ? `, cut at byte ${s.truncatedAt ?? '?'}` : ''})`).join(', ') || 'none'],
    ['Time span', span ? `${formatDateTime(span.start)} to ${formatDateTime(span.end)} (${formatDuration(Number(span.end) - Number(span.start))})` : 'no LACP traffic'],
    [
      'Frames',
      report.sources
        .map((s) => `${s.frames} read, ${s.slowFrames} slow, ${s.lacpdus} LACPDUs, ${s.malformed} malformed${multi ? ` in ${code(s.name)}` : ''}`)
        .join('; '),
    ],
    ['Ports / links / aggregations', `${report.ports.length} / ${report.links.length} / ${report.aggregations.length}`],
    ['Bundled links', `${report.links.filter((l) => l.bundled).length} of ${report.links.length}`],
    ['Findings', severitySummary(report.findings)],
  ];
  out.push('## Summary', '', ...table(['', ''], summary.map(([k, v]) => [`**${k}**`, v])), '');

  out.push('## Findings', '');
  if (report.findings.length === 0) out.push('No findings.', '');
  else {
    const rows = findingsBySeverity(report.findings).map((f) => [
      f.severity,
      code(f.code),
      code(findingPlace(f)),
      `${formatClock(f.time)}${span ? ` (${relative(f.time, span.start)})` : ''}`,
      f.until === f.time ? null : formatClock(f.until),
      findingFrames(f, multi) || null,
      f.message,
    ]);
    out.push(...table(['Severity', 'Code', 'Where', 'From', 'Until', 'Evidence', 'What it means'], rows), '');
  }

  if (report.aggregations.length) {
    out.push('## Aggregations', '');
    const rows = report.aggregations.map((a) => [
      code(a.system),
      a.key,
      a.ports.map(code).join(', '),
      `${a.ports.filter((id) => ports.get(id)?.bundled).length} of ${a.ports.length}`,
      a.partnerSystems.map(code).join(', ') || null,
      a.partnerKeys.join(', ') || null,
    ]);
    out.push(...table(['System', 'Key', 'Ports', 'Bundled', 'Partner systems', 'Partner keys'], rows), '');
  }

  if (report.links.length) {
    out.push('## Links', '');
    const rows = report.links.map((l) => [
      code(l.ports.join(' <-> ')),
      l.interfaces.length ? l.interfaces.join(', ') : l.interface,
      l.bundled ? 'yes' : 'no',
      l.ports.map((id) => `${code(id)} ${statusOf(ports, id)}`).join('; '),
    ]);
    out.push(...table(['Link', 'Interfaces', 'Bundled', 'Port status'], rows), '');
  }

  if (report.ports.length) {
    out.push('## Ports', '');
    out.push(...table(['Port', 'Key', 'Interfaces', 'Status', 'Partner', 'PDUs', 'Asked rate', 'Rx / mux', 'Stack'], report.ports.map(portRow)), '');
  }

  const withTimeline = report.ports.filter((p) => p.timeline.length > 0);
  if (withTimeline.length) {
    out.push('## Timelines', '', 'State strings as in Wireshark, most significant bit first: `EFDCSGSA` = Expired, deFaulted, Distributing, Collecting, Synchronization, aGgregation, Short timeout, Activity; `*` = bit clear.', '');
    for (const p of withTimeline) {
      out.push(`### ${code(p.id)} on ${p.interfaces.join(', ')}`, '');
      const rows = p.timeline.map((e) => [
        `${formatClock(e.time)}${span ? ` (${relative(e.time, span.start)})` : ''}`,
        multi ? `${e.frame} (${e.source})` : e.frame,
        code(stateString(e.actor.state)),
        code(`${e.partner.system}/${e.partner.port}`),
        e.partner.key,
        code(stateString(e.partner.state)),
        `${e.rxState} / ${e.muxState}`,
        describeChanges(e) || null,
      ]);
      out.push(...table(['Time', 'Frame', 'Actor state', 'Partner', 'Partner key', 'Partner state', 'Rx / mux', 'Changed'], rows), '');
    }
  }
  out.push(`_Generated by lacpscope; times are UTC._`);
  return `${out.join('\n')}\n`;
}
