/**
 * `analyze --format text`: a summary, one status line per aggregation, link and port, findings by
 * severity with the sentence to act on, and each port's timeline of changes with state strings.
 */
import type { AggregationReport, AnalysisReport, Finding, LinkReport, PortReport, Severity, SourceSummary, TimelineEntry } from '../analyze/model.js';
import type { PortInfo } from '../decode/pdu.js';
import { stateString } from '../decode/format.js';
import { countBySeverity, describeChanges, findingFrames, findingPlace, findingSpan, findingsBySeverity, formatClock, formatDateTime, formatDuration, isMultiSource, plural, portInterval, portStatus, statusOf, relative, severitySummary, timeSpan, verdict } from './common.js';

export interface TextOptions {
  /** ANSI colour; the CLI sets it only for a terminal without NO_COLOR / --no-color. */
  color?: boolean;
}

type Paint = (s: string) => string;

interface Palette {
  bold: Paint;
  dim: Paint;
  red: Paint;
  yellow: Paint;
  cyan: Paint;
  green: Paint;
}

function sgr(open: number, close: number): Paint {
  return (s) => `\x1b[${open}m${s}\x1b[${close}m`;
}

const COLOR: Palette = { bold: sgr(1, 22), dim: sgr(2, 22), red: sgr(31, 39), yellow: sgr(33, 39), cyan: sgr(36, 39), green: sgr(32, 39) };
const same: Paint = (s) => s;
const PLAIN: Palette = { bold: same, dim: same, red: same, yellow: same, cyan: same, green: same };

function severityPaint(p: Palette, s: Severity): Paint {
  return s === 'error' ? p.red : s === 'warning' ? p.yellow : p.cyan;
}

function sourceLine(s: SourceSummary): string {
  const parts = [
    `${s.format ?? 'unknown format'}${s.gzip ? ' (gzip)' : ''}`,
    `${s.frames} ${plural(s.frames, 'frame')}`,
    `${s.slowFrames} slow`,
    `${s.lacpdus} ${plural(s.lacpdus, 'LACPDU')}`,
    `${s.malformed} malformed`,
  ];
  if (s.truncated) parts.push(`cut at byte ${s.truncatedAt ?? '?'}`);
  if (s.snapCut > 0) parts.push(`${s.snapCut} cut by snapshot length`);
  return `${s.name}: ${parts.join(', ')}`;
}

/** Findings that name one of these ports, directly or through a link. */
function findingsFor(findings: readonly Finding[], ports: readonly string[]): Finding[] {
  return findings.filter((f) => (f.port !== null && ports.includes(f.port)) || (f.link !== null && f.link.split(' <-> ').some((id) => ports.includes(id))));
}

function worst(findings: readonly Finding[]): Severity | null {
  const c = countBySeverity(findings);
  return c.error ? 'error' : c.warning ? 'warning' : c.info ? 'info' : null;
}

function statusWord(p: Palette, bundled: number, total: number, findings: readonly Finding[]): string {
  const w = worst(findings);
  if (bundled === total && total > 0 && (w === null || w === 'info')) return p.green('healthy');
  const word = bundled === 0 ? 'down' : bundled < total ? 'degraded' : 'bundled with problems';
  return w === 'error' || bundled === 0 ? p.red(word) : p.yellow(word);
}

function aggregationLine(p: Palette, a: AggregationReport, ports: Map<string, PortReport>, findings: readonly Finding[]): string {
  const bundled = a.ports.filter((id) => ports.get(id)?.bundled).length;
  const partner =
    a.partnerSystems.length === 0
      ? 'no partner'
      : `partner ${a.partnerSystems.join(' + ')} key ${a.partnerKeys.length ? a.partnerKeys.join(' + ') : '?'}`;
  const own = findingsFor(findings, a.ports);
  const issues = own.length ? p.dim(` (${severitySummary(own)})`) : '';
  return `  ${statusWord(p, bundled, a.ports.length, own)}  ${p.bold(a.system)} key ${a.key}: ${bundled}/${a.ports.length} ${plural(a.ports.length, 'port')} bundled, ${partner}${issues}`;
}

function linkLine(p: Palette, l: LinkReport, ports: Map<string, PortReport>, findings: readonly Finding[]): string {
  const own = findingsFor(findings, l.ports);
  const where = l.interfaces.length > 1 ? l.interfaces.join(', ') : l.interface;
  const state = l.ports.map((id) => `${id} ${statusOf(ports, id)}`).join(', ');
  return `  ${statusWord(p, l.bundled ? 1 : 0, 1, own)}  ${p.bold(l.ports.join(' <-> '))} on ${where}${l.bundled ? '' : p.dim(` (${state})`)}`;
}

function portLine(p: Palette, port: PortReport): string {
  const status = port.bundled ? p.green('bundled') : p.yellow(portStatus(port));
  const peer = port.peer === null ? 'no partner' : `partner ${port.peer}`;
  const stack = port.stack === 'unknown' ? '' : `, ${port.stack}`;
  return (
    `  ${p.bold(port.id)} key ${port.key} on ${port.interfaces.join(', ') || '?'}: ${status}, ${peer}; ` +
    `${port.pdus} ${plural(port.pdus, 'PDU')} ${portInterval(port)}, asked for ${port.requestedRate} rate; ` +
    `rx ${port.rxState}, mux ${port.muxState}${stack}`
  );
}

function findingLines(p: Palette, f: Finding, multi: boolean): string[] {
  const paint = severityPaint(p, f.severity);
  const frames = findingFrames(f, multi);
  return [
    `  ${paint(f.severity.toUpperCase().padEnd(7))} ${p.bold(f.code)}  ${findingPlace(f)}  ${findingSpan(f)}${frames ? p.dim(`  ${frames}`) : ''}`,
    `          ${f.message}`,
  ];
}

function infoBrief(i: PortInfo): string {
  return `${i.system}/${i.port} key ${i.key}`;
}

function timelineLine(p: Palette, e: TimelineEntry, start: string | undefined, multi: boolean): string {
  const frame = `#${e.frame}${multi ? ` ${e.source}` : ''}`;
  const changes = e.changes.length ? p.dim(`  ${describeChanges(e)}`) : '';
  return (
    `    ${formatClock(e.time)} ${p.dim(relative(e.time, start).padStart(12))} ${frame.padEnd(multi ? 18 : 6)} ` +
    `actor ${stateString(e.actor.state)}  partner ${infoBrief(e.partner)} ${stateString(e.partner.state)}  ` +
    `rx ${e.rxState}, mux ${e.muxState}${changes}`
  );
}

export function renderText(report: AnalysisReport, options: TextOptions = {}): string {
  const p = options.color ? COLOR : PLAIN;
  const multi = isMultiSource(report);
  const span = timeSpan(report);
  const ports = new Map(report.ports.map((x) => [x.id, x]));
  const out: string[] = [];

  const c = countBySeverity(report.findings);
  const counts = [
    c.error ? p.red(`${c.error} ${plural(c.error, 'error')}`) : `0 errors`,
    c.warning ? p.yellow(`${c.warning} ${plural(c.warning, 'warning')}`) : '0 warnings',
    `${c.info} info`,
  ].join(', ');
  out.push(
    `${p.bold('lacpscope')}: ${report.ports.length} ${plural(report.ports.length, 'port')}, ${report.links.length} ${plural(report.links.length, 'link')}, ` +
      `${report.aggregations.length} ${plural(report.aggregations.length, 'aggregation')}; findings: ${counts}`,
  );
  out.push(`Verdict: ${verdict(report)}`);
  if (span) out.push(`Capture: ${formatDateTime(span.start)} to ${formatClock(span.end)} (${formatDuration(Number(span.end) - Number(span.start))})`);
  for (const s of report.sources) out.push(`  ${sourceLine(s)}`);

  if (report.aggregations.length) {
    out.push('', p.bold('Aggregations'));
    for (const a of report.aggregations) out.push(aggregationLine(p, a, ports, report.findings));
  }
  if (report.links.length) {
    out.push('', p.bold('Links'));
    for (const l of report.links) out.push(linkLine(p, l, ports, report.findings));
  }
  if (report.ports.length) {
    out.push('', p.bold('Ports'));
    for (const port of report.ports) out.push(portLine(p, port));
  }

  out.push('', p.bold('Findings'));
  if (report.findings.length === 0) out.push('  none');
  for (const f of findingsBySeverity(report.findings)) out.push(...findingLines(p, f, multi));

  const withTimeline = report.ports.filter((x) => x.timeline.length > 0);
  if (withTimeline.length) {
    out.push('', p.bold('Timelines') + p.dim(' (state strings EFDCSGSA: Expired deFaulted Distributing Collecting Synchronization aGgregation Short-timeout Activity)'));
    for (const port of withTimeline) {
      out.push(`  ${p.bold(port.id)} ${p.dim(`on ${port.interfaces.join(', ')}`)}`);
      for (const e of port.timeline) out.push(timelineLine(p, e, span?.start, multi));
    }
  }
  return `${out.join('\n')}\n`;
}
