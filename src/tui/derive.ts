/** Pure derivations from the analysis report: health badges, filtering, rows for each view. */
import type { AggregationReport, AnalysisReport, Finding, FindingCode, PortReport, Severity } from '../analyze/model.js';
import { BIT, BUNDLED_BITS } from '../analyze/bits.js';
import type { Tone } from './text.js';

export const SEVERITIES: readonly Severity[] = ['error', 'warning', 'info'];

export function severityRank(s: Severity): number {
  return SEVERITIES.indexOf(s);
}

export function severityTone(s: Severity): Tone {
  return s === 'error' ? 'bad' : s === 'warning' ? 'warn' : 'info';
}

export interface Badge {
  label: string;
  tone: Tone;
}

/** Findings about a port: its own, and those of links it is an end of. */
export function findingsOfPort(findings: Finding[], port: string): Finding[] {
  return findings.filter((f) => f.port === port || (f.link !== null && f.link.split(' <-> ').includes(port)));
}

function has(findings: Finding[], code: FindingCode): boolean {
  return findings.some((f) => f.code === code);
}

/**
 * One word for a port's health, worst first: what an engineer would say looking at its last
 * PDU and the findings against it.
 */
export function portBadge(port: PortReport, findings: Finding[]): Badge {
  const last = port.timeline[port.timeline.length - 1];
  const actor = last?.actor.state ?? 0;
  if (has(findings, 'FLAPPING')) return { label: 'flapping', tone: 'bad' };
  if (has(findings, 'LOOPBACK')) return { label: 'loopback', tone: 'bad' };
  if (port.rxState === 'expired') return { label: 'expired', tone: 'bad' };
  // Defaulted after having a partner (the DEFAULTED finding) is a lost partner, not a missing one.
  if (port.rxState === 'defaulted') return { label: port.peer === null && !has(findings, 'DEFAULTED') ? 'no partner' : 'defaulted', tone: 'bad' };
  if (port.peer === null) return { label: 'no partner', tone: 'bad' };
  if (has(findings, 'PDU_TIMEOUT')) return { label: 'timed out', tone: 'bad' };
  if (has(findings, 'ONE_WAY')) return { label: 'one-way', tone: 'bad' };
  if (has(findings, 'STANDBY')) return { label: 'standby', tone: 'info' };
  if ((actor & BIT.aggregation) === 0) return { label: 'individual', tone: 'warn' };
  if (port.bundled) return { label: 'bundled', tone: 'good' };
  if ((actor & BUNDLED_BITS) === BUNDLED_BITS) return { label: 'waiting peer', tone: 'warn' };
  return { label: 'negotiating', tone: 'warn' };
}

// ---------------------------------------------------------------------------------------------
// Filter: `/` text. Space-separated terms, all must match; `field:value` (port, system, key,
// severity/sev, code) or a bare word matched against all of them; `!` in front negates.

export type FilterField = 'port' | 'system' | 'key' | 'severity' | 'code' | 'any';

export interface FilterTerm {
  field: FilterField;
  value: string;
  negate: boolean;
}

const FIELD_ALIASES: Record<string, FilterField> = {
  port: 'port', p: 'port', system: 'system', sys: 'system', s: 'system', key: 'key', k: 'key',
  severity: 'severity', sev: 'severity', code: 'code', c: 'code',
};

export function parseFilter(text: string): FilterTerm[] {
  const terms: FilterTerm[] = [];
  for (let word of text.trim().split(/\s+/)) {
    if (!word) continue;
    let negate = false;
    if (word.startsWith('!')) {
      negate = true;
      word = word.slice(1);
    }
    const colon = word.indexOf(':');
    const field = colon > 0 ? FIELD_ALIASES[word.slice(0, colon).toLowerCase()] : undefined;
    // MAC addresses contain colons: only a known field name before the first colon makes a field.
    const value = (field ? word.slice(colon + 1) : word).toLowerCase();
    if (value) terms.push({ field: field ?? 'any', value, negate });
  }
  return terms;
}

/** What a row offers to the filter. */
export interface Facets {
  ports: string[];
  systems: string[];
  keys: number[];
  severities: Severity[];
  codes: string[];
}

function portMatches(ports: string[], value: string): boolean {
  if (/^\d+$/.test(value)) return ports.some((p) => p.slice(p.lastIndexOf('/') + 1) === value);
  return ports.some((p) => p.includes(value));
}

function termMatches(t: FilterTerm, f: Facets): boolean {
  switch (t.field) {
    case 'port':
      return portMatches(f.ports, t.value);
    case 'system':
      return f.systems.some((s) => s.includes(t.value));
    case 'key':
      return f.keys.some((k) => String(k) === t.value);
    case 'severity':
      return f.severities.some((s) => s.startsWith(t.value));
    case 'code':
      return f.codes.some((c) => c.toLowerCase().includes(t.value));
    case 'any':
      return (
        f.ports.some((p) => p.includes(t.value)) ||
        f.systems.some((s) => s.includes(t.value)) ||
        f.keys.some((k) => String(k) === t.value) ||
        f.severities.some((s) => s.startsWith(t.value)) ||
        f.codes.some((c) => c.toLowerCase().includes(t.value))
      );
  }
}

export function matches(terms: FilterTerm[], facets: Facets): boolean {
  return terms.every((t) => termMatches(t, facets) !== t.negate);
}

export function portFacets(port: PortReport, findings: Finding[]): Facets {
  const last = port.timeline[port.timeline.length - 1];
  const systems = [port.system];
  const keys = [port.key];
  if (last) {
    systems.push(last.partner.system);
    keys.push(last.partner.key);
  }
  return {
    ports: port.peer ? [port.id, port.peer] : [port.id],
    systems,
    keys,
    severities: findings.map((f) => f.severity),
    codes: findings.map((f) => f.code),
  };
}

export function findingPorts(f: Finding): string[] {
  const ports = f.link ? f.link.split(' <-> ') : [];
  if (f.port && !ports.includes(f.port)) ports.unshift(f.port);
  return ports;
}

export function findingFacets(f: Finding, portsById: Map<string, PortReport>): Facets {
  const ports = findingPorts(f);
  const known = ports.map((p) => portsById.get(p)).filter((p): p is PortReport => p !== undefined);
  return {
    ports,
    systems: ports.map((p) => p.slice(0, p.lastIndexOf('/'))),
    keys: known.map((p) => p.key),
    severities: [f.severity],
    codes: [f.code],
  };
}

// ---------------------------------------------------------------------------------------------
// Rows of each view.

export interface LinkRow {
  /** One or two port ids; a port without a link partner is a row of its own. */
  ends: string[];
  label: string;
  bundled: boolean;
}

/** Timeline rows: every link, then every port not in a link. */
export function linkRows(report: AnalysisReport): LinkRow[] {
  const rows: LinkRow[] = [];
  const inLink = new Set<string>();
  for (const l of report.links) {
    rows.push({ ends: [l.ports[0], l.ports[1]], label: `${l.ports[0]} ⇄ ${l.ports[1]}`, bundled: l.bundled });
    inLink.add(l.ports[0]);
    inLink.add(l.ports[1]);
  }
  for (const p of report.ports) {
    if (!inLink.has(p.id)) rows.push({ ends: [p.id], label: `${p.id} (no link partner)`, bundled: false });
  }
  return rows;
}

export function linkOfPort(rows: LinkRow[], port: string): { link: number; end: number } | null {
  for (let i = 0; i < rows.length; i++) {
    const end = rows[i].ends.indexOf(port);
    if (end >= 0) return { link: i, end };
  }
  return null;
}

export type OverviewRow =
  | { kind: 'aggregation'; agg: AggregationReport | null; ports: PortReport[]; bundled: number }
  | { kind: 'port'; port: PortReport; badge: Badge; findings: Finding[] };

/** Aggregations, each followed by its ports; ports outside every aggregation come last. */
export function overviewRows(report: AnalysisReport, terms: FilterTerm[]): OverviewRow[] {
  const byId = new Map(report.ports.map((p) => [p.id, p]));
  const rows: OverviewRow[] = [];
  const placed = new Set<string>();
  const groups: { agg: AggregationReport | null; ports: PortReport[] }[] = report.aggregations.map((agg) => ({
    agg,
    ports: agg.ports.map((id) => byId.get(id)).filter((p): p is PortReport => p !== undefined),
  }));
  for (const g of groups) for (const p of g.ports) placed.add(p.id);
  const rest = report.ports.filter((p) => !placed.has(p.id));
  if (rest.length) groups.push({ agg: null, ports: rest });
  for (const g of groups) {
    const portRows: OverviewRow[] = [];
    for (const port of g.ports) {
      const fs = findingsOfPort(report.findings, port.id);
      if (!matches(terms, portFacets(port, fs))) continue;
      portRows.push({ kind: 'port', port, badge: portBadge(port, fs), findings: fs });
    }
    if (!portRows.length) continue;
    rows.push({ kind: 'aggregation', agg: g.agg, ports: g.ports, bundled: g.ports.filter((p) => p.bundled).length });
    rows.push(...portRows);
  }
  return rows;
}

export type FindingsOrder = 'severity' | 'time';

export function sortedFindings(report: AnalysisReport, terms: FilterTerm[], order: FindingsOrder): Finding[] {
  const byId = new Map(report.ports.map((p) => [p.id, p]));
  const list = report.findings.filter((f) => matches(terms, findingFacets(f, byId)));
  return list.sort(
    (a, b) =>
      (order === 'severity' ? severityRank(a.severity) - severityRank(b.severity) : 0) || Number(a.time) - Number(b.time),
  );
}

export function severityCounts(findings: Finding[]): Record<Severity, number> {
  const c: Record<Severity, number> = { error: 0, warning: 0, info: 0 };
  for (const f of findings) c[f.severity]++;
  return c;
}

/** Capture start and end (epoch seconds) from the report, falling back to frame times. */
export function captureSpan(report: AnalysisReport | null, first: number | null, last: number | null): { start: number; end: number } {
  let start = first ?? Infinity;
  let end = last ?? -Infinity;
  const see = (a: string, b: string) => {
    const s = Number(a), e = Number(b);
    if (Number.isFinite(s)) start = Math.min(start, s);
    if (Number.isFinite(e)) end = Math.max(end, e);
  };
  for (const p of report?.ports ?? []) see(p.firstSeen, p.lastSeen);
  for (const f of report?.findings ?? []) see(f.time, f.until);
  if (!Number.isFinite(start)) return { start: 0, end: 0 };
  return { start, end: Math.max(start, end) };
}
