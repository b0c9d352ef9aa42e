/** Overview view model: capture summary, findings by severity, aggregations with their ports. */
import type { AnalysisReport, Finding } from '../../analyze/model.js';
import { stateString } from '../../decode/format.js';
import type { OverviewRow } from '../derive.js';
import { captureSpan, severityCounts, severityRank, severityTone } from '../derive.js';
import { findingRow } from './findings.js';
import type { Snapshot } from '../store.js';
import type { Line, Tone } from '../text.js';
import { clip, duration, pad, padLeft, seg, thousands, utc } from '../text.js';

export function summaryLines(snap: Snapshot, width: number): Line[] {
  const report = snap.report;
  const span = captureSpan(report, snap.firstTime, snap.lastTime);
  const names = (report?.sources.map((s) => `${s.name}${s.format ? ` (${s.format}${s.gzip ? ', gzip' : ''})` : ''}`) ??
    snap.sources.map((s) => s.name)).join(', ');
  const framesRead = report ? report.sources.reduce((n, s) => n + s.frames, 0) : snap.sources.reduce((n, s) => n + s.frames, 0);
  const malformed = report ? report.sources.reduce((n, s) => n + s.malformed, 0) : snap.counts.malformed;
  const truncated = report?.sources.filter((s) => s.truncated).map((s) => s.name) ?? [];
  const when =
    snap.firstTime === null && !report?.ports.length
      ? 'no slow frames yet'
      : `${utc(span.start)} → ${utc(span.end, false)} UTC (${duration(span.end - span.start)})`;
  const lines: Line[] = [
    clip([seg('Capture  ', 'accent', { bold: true }), seg(names || '(no input yet)'), seg(`  ${when}`, 'muted')], width),
    clip(
      [
        seg('         '),
        seg(`${thousands(framesRead)} frames read · ${thousands(snap.counts.slow)} slow frames decoded · ${thousands(snap.counts.lacp)} LACPDUs · `),
        seg(`${thousands(malformed)} malformed`, malformed ? 'bad' : undefined),
        seg(truncated.length ? ` · cut short: ${truncated.join(', ')}` : '', 'warn'),
      ],
      width,
    ),
  ];
  const c = severityCounts(report?.findings ?? []);
  lines.push(
    clip(
      [
        seg('Findings ', 'accent', { bold: true }),
        seg(`${c.error} error${c.error === 1 ? '' : 's'}`, c.error ? 'bad' : 'muted', { bold: c.error > 0 }),
        seg('  '),
        seg(`${c.warning} warning${c.warning === 1 ? '' : 's'}`, c.warning ? 'warn' : 'muted'),
        seg('  '),
        seg(`${c.info} info`, c.info ? 'info' : 'muted'),
        seg(report && !snap.final ? '  (so far)' : '', 'muted'),
      ],
      width,
    ),
  );
  return lines;
}

type ColId = 'port' | 'iface' | 'health' | 'partner' | 'pkey' | 'pdus' | 'state' | 'rate' | 'intvl' | 'pstate' | 'rxmux' | 'findings';

interface Col {
  id: ColId;
  title: string;
  width: number;
  right?: boolean;
}

function columnsFor(width: number): Col[] {
  const cols: Col[] = [
    { id: 'port', title: 'PORT', width: 23 },
    { id: 'health', title: 'HEALTH', width: 11 },
    { id: 'partner', title: 'PARTNER', width: 23 },
    { id: 'pkey', title: 'PKEY', width: 6, right: true },
    { id: 'pdus', title: 'PDUS', width: 7, right: true },
    { id: 'state', title: 'STATE', width: 9 },
  ];
  if (width >= 100) cols.splice(1, 0, { id: 'iface', title: 'IFACE', width: 7 });
  if (width >= 100) cols.push({ id: 'rate', title: 'RATE', width: 5 }, { id: 'intvl', title: 'INTVL', width: 6, right: true });
  if (width >= 118) cols.push({ id: 'pstate', title: 'P.STATE', width: 9 });
  if (width >= 160) cols.push({ id: 'rxmux', title: 'RX/MUX', width: 31 }, { id: 'findings', title: 'FINDINGS', width: 40 });
  return cols;
}

function cell(text: string, col: Col): string {
  return ' ' + (col.right ? padLeft(text, col.width) : pad(text, col.width));
}

function portCells(row: Extract<OverviewRow, { kind: 'port' }>, cols: Col[]): { text: string; tone?: Tone }[] {
  const p = row.port;
  const last = p.timeline.at(-1);
  const named = last && last.partner.system !== '00:00:00:00:00:00' ? `${last.partner.system}/${last.partner.port}` : 'none';
  const values: Record<ColId, { text: string; tone?: Tone }> = {
    port: { text: p.id },
    iface: { text: p.interfaces.join(',') },
    health: { text: row.badge.label, tone: row.badge.tone },
    partner: { text: p.peer ?? named },
    pkey: { text: last ? String(last.partner.key) : '' },
    pdus: { text: thousands(p.pdus) },
    state: { text: last ? stateString(last.actor.state) : '' },
    rate: { text: p.requestedRate },
    intvl: { text: p.intervalMedian === null ? '-' : duration(p.intervalMedian) },
    pstate: { text: last ? stateString(last.partner.state) : '' },
    rxmux: { text: `${p.rxState}/${p.muxState}` },
    findings: { text: [...new Set(row.findings.map((f) => f.code))].join(' '), tone: row.findings.length ? 'warn' : undefined },
  };
  return cols.map((c) => ({ text: cell(values[c.id].text, c), tone: values[c.id].tone }));
}

/** Index of the overview rows that can be selected (ports). */
export function selectablePorts(rows: OverviewRow[]): number[] {
  return rows.flatMap((r, i) => (r.kind === 'port' ? [i] : []));
}

export function overviewLines(
  snap: Snapshot,
  rows: OverviewRow[],
  /** Findings that pass the filter. */
  findings: Finding[],
  selected: number,
  width: number,
  height: number,
  live: boolean,
): Line[] {
  const lines = summaryLines(snap, width);
  const report: AnalysisReport | null = snap.report;
  lines.push([]);
  if (!report || !rows.length) {
    lines.push([seg(report?.ports.length ? 'No port matches the filter (Esc clears it).' : snap.loading ? 'Waiting for LACPDUs…' : 'No LACPDU in this capture.', 'muted')]);
    return lines;
  }
  const cols = columnsFor(width);
  lines.push(clip([seg('  '), ...cols.map((c) => seg(cell(c.title, c), 'muted', { bold: true }))], width));
  const selectable = selectablePorts(rows);
  const selRow = selectable[Math.min(selected, selectable.length - 1)] ?? -1;
  const recentRows = live ? Math.min(8, Math.max(0, Math.floor((height - lines.length) / 3))) : 0;
  const room = Math.max(1, height - lines.length - (recentRows ? recentRows + 2 : 0));
  const first = Math.max(0, Math.min(selRow - Math.floor(room / 2), rows.length - room));
  for (let i = first; i < Math.min(rows.length, first + room); i++) {
    const r = rows[i];
    if (r.kind === 'aggregation') {
      const a = r.agg;
      lines.push(
        clip(
          a
            ? [
                seg('Aggregation ', 'accent', { bold: true }),
                seg(`${a.system} key ${a.key}`, undefined, { bold: true }),
                seg(r.ports[0] && r.ports[0].stack !== 'unknown' ? ` (${r.ports[0].stack})` : '', 'muted'),
                seg(` → partner ${a.partnerSystems.join(', ') || 'none'} key ${a.partnerKeys.join(', ') || '-'}`),
                seg(` · ${r.bundled}/${r.ports.length} bundled`, r.bundled === r.ports.length ? 'good' : 'warn'),
              ]
            : [seg('Ports outside any aggregation', 'accent', { bold: true })],
          width,
        ),
      );
      continue;
    }
    const isSel = i === selRow;
    lines.push(
      clip(
        [seg(isSel ? '▶ ' : '  ', 'accent'), ...portCells(r, cols).map((c) => seg(c.text, c.tone, { inverse: isSel || undefined }))],
        width,
      ),
    );
  }
  // Room left offline: the worst findings, so the overview alone tells what is wrong.
  if (!recentRows && findings.length && height - lines.length >= 4) {
    const t0 = captureSpan(report, snap.firstTime, snap.lastTime).start;
    lines.push([]);
    lines.push([seg('Findings', 'accent', { bold: true }), seg('  (key 3 lists them all; Enter there jumps to the moment)', 'muted')]);
    const room = height - lines.length;
    const worst = [...findings].sort((a, b) => severityRank(a.severity) - severityRank(b.severity) || Number(a.time) - Number(b.time));
    for (const f of worst.slice(0, room)) lines.push(findingRow(f, t0, false, width >= 160 ? 42 : 23, width));
  }
  if (recentRows) {
    lines.push([]);
    lines.push([seg('Recent events', 'accent', { bold: true })]);
    for (const e of snap.recent.slice(-recentRows)) {
      lines.push(clip([seg(`${utc(e.time, false)}  `, 'muted'), seg(e.text, e.severity ? severityTone(e.severity) : undefined)], width));
    }
  }
  return lines.slice(0, height);
}
