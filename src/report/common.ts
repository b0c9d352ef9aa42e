/** What the text and Markdown reports share: counting, time and duration formatting, labels. */
import type { AnalysisReport, Finding, PortReport, Severity, TimelineEntry } from '../analyze/model.js';
import { STATE_BITS } from '../decode/fields.js';

export const SEVERITIES: readonly Severity[] = ['error', 'warning', 'info'];

export function countBySeverity(findings: readonly Finding[]): Record<Severity, number> {
  const counts: Record<Severity, number> = { error: 0, warning: 0, info: 0 };
  for (const f of findings) counts[f.severity]++;
  return counts;
}

/** `1 error, 2 warnings, 0 info`. */
export function severitySummary(findings: readonly Finding[]): string {
  const c = countBySeverity(findings);
  return `${c.error} ${plural(c.error, 'error')}, ${c.warning} ${plural(c.warning, 'warning')}, ${c.info} info`;
}

export function plural(n: number, word: string): string {
  return n === 1 ? word : `${word}s`;
}

/** Decimal-seconds strings compare exactly as numbers once split; display only needs doubles. */
function seconds(time: string): number {
  return Number(time);
}

function utcParts(time: string): { date: string; clock: string } | null {
  // Whole seconds and milliseconds from the string itself: as a double, x.9999999 would round up.
  const m = /^(\d+)(?:\.(\d*))?$/.exec(time);
  if (!m) return null;
  const iso = new Date(Number(m[1]) * 1000).toISOString();
  const frac = (m[2] ?? '').padEnd(3, '0').slice(0, 3);
  return { date: iso.slice(0, 10), clock: `${iso.slice(11, 19)}.${frac}` };
}

/** `04:02:10.123` (UTC time of day, milliseconds). */
export function formatClock(time: string): string {
  return utcParts(time)?.clock ?? time;
}

/** `2009-11-15 04:02:10.123 UTC`. */
export function formatDateTime(time: string): string {
  const p = utcParts(time);
  return p === null ? time : `${p.date} ${p.clock} UTC`;
}

/** `850 ms`, `1.0 s`, `29.8 s`, `2 min 5 s`, `1 h 3 min`. */
export function formatDuration(sec: number): string {
  if (!Number.isFinite(sec)) return '?';
  const abs = Math.abs(sec);
  const sign = sec < 0 ? '-' : '';
  if (abs < 1) return `${sign}${Math.round(abs * 1000)} ms`;
  if (abs < 100) return `${sign}${abs.toFixed(1)} s`;
  if (abs < 3600) return `${sign}${Math.floor(abs / 60)} min ${Math.round(abs % 60)} s`;
  return `${sign}${Math.floor(abs / 3600)} h ${Math.round((abs % 3600) / 60)} min`;
}

/** First and last moment the report knows about (ports and findings), or null when it is empty. */
export function timeSpan(report: AnalysisReport): { start: string; end: string } | null {
  let start: string | null = null;
  let end: string | null = null;
  const see = (t: string) => {
    if (start === null || seconds(t) < seconds(start)) start = t;
    if (end === null || seconds(t) > seconds(end)) end = t;
  };
  for (const p of report.ports) {
    see(p.firstSeen);
    see(p.lastSeen);
  }
  for (const f of report.findings) {
    see(f.time);
    see(f.until);
  }
  return start === null || end === null ? null : { start, end };
}

/** `+12.345 s` from the start of the report. */
export function relative(time: string, start: string | undefined): string {
  if (start === undefined) return '';
  const d = seconds(time) - seconds(start);
  return `+${d.toFixed(3)} s`;
}

/** Where a finding applies: its link, else its port, else the whole capture. */
export function findingPlace(f: Finding): string {
  return f.link ?? f.port ?? (f.source ? `capture ${f.source}` : 'capture');
}

/** `frames 4, 5, 6` with the source named when several inputs were merged. */
export function findingFrames(f: Finding, multiSource: boolean): string {
  if (f.frames.length === 0) return '';
  const where = multiSource && f.source ? ` in ${f.source}` : '';
  return `${plural(f.frames.length, 'frame')} ${f.frames.join(', ')}${where}`;
}

export function findingSpan(f: Finding): string {
  if (f.until === f.time) return formatClock(f.time);
  return `${formatClock(f.time)} to ${formatClock(f.until)} (${formatDuration(seconds(f.until) - seconds(f.time))})`;
}

/** Findings in severity order (errors first), each group by time as the analyzer sorted them. */
export function findingsBySeverity(findings: readonly Finding[]): Finding[] {
  return SEVERITIES.flatMap((s) => findings.filter((f) => f.severity === s));
}

/** One phrase for a port's condition, from the bits the analyzer derived. */
export function portStatus(p: PortReport): string {
  if (p.bundled) return 'bundled';
  if (p.rxState !== 'current') return p.rxState;
  if (p.peer === null) return 'no partner';
  return p.muxState;
}

export function statusOf(ports: ReadonlyMap<string, PortReport>, id: string): string {
  const p = ports.get(id);
  return p ? portStatus(p) : 'not seen';
}

export function portInterval(p: PortReport): string {
  if (p.intervalMedian === null) return 'one PDU';
  const max = p.intervalMax === null ? '' : `, max ${formatDuration(p.intervalMax)}`;
  return `every ${formatDuration(p.intervalMedian)}${max}`;
}

/**
 * One sentence to start a report with: how many links ended bundled and the earliest finding of
 * the worst severity present, which is usually where to start reading.
 */
export function verdict(report: AnalysisReport): string {
  const links = report.links.length ? `${report.links.filter((l) => l.bundled).length} of ${report.links.length} ${plural(report.links.length, 'link')} bundled` : 'no link seen from both ends';
  const worst = SEVERITIES.find((s) => report.findings.some((f) => f.severity === s && s !== 'info'));
  if (!worst) return `${links}; no errors or warnings`;
  const first = report.findings.find((f) => f.severity === worst)!;
  const n = report.findings.filter((f) => f.severity === worst).length;
  return `${links}; ${n} ${plural(n, worst)}, the first ${first.code} on ${findingPlace(first)} at ${formatClock(first.time)}`;
}

export function isMultiSource(report: AnalysisReport): boolean {
  return report.sources.length > 1;
}

const FLAG_NAMES: ReadonlySet<string> = new Set(STATE_BITS.map((b) => b.flag));
const IDENTITY = new Set(['system', 'port', 'systemPriority', 'portPriority', 'key']);

/**
 * What changed at a timeline entry, for people: state bits as `+synchronization`/`-expired`
 * (the entry's own bits say which way), a new partner as one word rather than five fields.
 */
export function describeChanges(e: TimelineEntry): string {
  const parts: string[] = [];
  for (const side of ['actor', 'partner'] as const) {
    const fields = e.changes.filter((c) => c.startsWith(`${side}.`)).map((c) => c.slice(side.length + 1));
    if (fields.length === 0) continue;
    const flags = e[side].flags as readonly string[];
    const words = fields.filter((f) => FLAG_NAMES.has(f)).map((f) => `${flags.includes(f) ? '+' : '-'}${f}`);
    const identity = fields.filter((f) => IDENTITY.has(f));
    if (side === 'partner' && (identity.includes('system') || identity.includes('port'))) words.push('new partner');
    else words.push(...identity.map((f) => `${f} ${e[side][f as keyof (typeof e)[typeof side]]}`));
    words.push(...fields.filter((f) => !FLAG_NAMES.has(f) && !IDENTITY.has(f)));
    parts.push(`${side} ${words.join(' ')}`);
  }
  parts.push(...e.changes.filter((c) => !c.startsWith('actor.') && !c.startsWith('partner.')));
  return parts.join('; ');
}
