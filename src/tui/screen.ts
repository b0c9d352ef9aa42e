/**
 * The whole screen as a pure function: snapshot + UI state + size in, exactly `rows` styled lines
 * out; and the `Ctx` the reducer needs. The Ink App only renders these lines and forwards keys.
 */
import type { Finding, PortReport } from '../analyze/model.js';
import { stateString } from '../decode/format.js';
import type { DecodedFrame } from '../decode/pdu.js';
import type { FindingsOrder, LinkRow, OverviewRow } from './derive.js';
import { captureSpan, findingPorts, linkOfPort, linkRows, overviewRows, parseFilter, severityCounts, sortedFindings } from './derive.js';
import { actorPort, frameKey, RECENT } from './frames.js';
import type { Ctx, DetailTarget, UiState, View } from './state.js';
import { secondsPerColumn, shownTimeline } from './state.js';
import type { Snapshot } from './store.js';
import type { Line } from './text.js';
import { bytesHuman, clip, duration, offset, seg, thousands } from './text.js';
import { detailLines, detailTree } from './views/detail.js';
import { findingsLines } from './views/findings.js';
import { helpLines } from './views/help.js';
import { overviewLines, selectablePorts } from './views/overview.js';
import { laneColumns, timelineLines } from './views/timeline.js';

export interface Size {
  columns: number;
  rows: number;
}

export interface Model {
  snap: Snapshot;
  overview: OverviewRow[];
  selectable: number[];
  findings: Finding[];
  links: LinkRow[];
  ports: Map<string, PortReport>;
  /** Capture start (epoch seconds) and length (seconds). */
  t0: number;
  span: number;
}

export function buildModel(snap: Snapshot, filter: string, order: FindingsOrder): Model {
  const terms = parseFilter(filter);
  const report = snap.report;
  const { start, end } = captureSpan(report, snap.firstTime, snap.lastTime);
  const overview = report ? overviewRows(report, terms) : [];
  const allLinks = report ? linkRows(report) : [];
  const ports = new Map((report?.ports ?? []).map((p) => [p.id, p]));
  const links = terms.length
    ? allLinks.filter((l) => overview.some((r) => r.kind === 'port' && l.ends.includes(r.port.id)))
    : allLinks;
  return {
    snap,
    overview,
    selectable: selectablePorts(overview),
    findings: report ? sortedFindings(report, terms, order) : [],
    links,
    ports,
    t0: start,
    span: end - start,
  };
}

/** Rows the content area has: the screen minus top bar, status line and key line (and progress). */
export function contentRows(model: Model, size: Size): number {
  return Math.max(3, size.rows - 3 - (showProgress(model) ? 1 : 0));
}

function showProgress(model: Model): boolean {
  return model.snap.loading && model.snap.progress !== null && model.snap.progress.totalBytes !== null;
}

function resolveFrame(model: Model, frame: number, source: string | undefined): DecodedFrame | undefined {
  return model.snap.frames.find(frame, source);
}

export function makeCtx(model: Model, ui: UiState, size: Size, live: boolean): Ctx {
  const { snap, t0, links } = model;
  const laneCols = laneColumns(size.columns);
  const toTarget = (port: string, p: { time: number; source: string; frame: number } | null): DetailTarget | null =>
    p ? { frameKey: frameKey(p.source, p.frame), port, time: p.time - t0 } : null;
  const detail = ui.detail ? snap.frames.get(ui.detail.frameKey) : undefined;
  return {
    live,
    overviewCount: model.selectable.length,
    findingsCount: model.findings.length,
    links: links.length,
    endsOf: (link) => links[link]?.ends.length ?? 1,
    detailFields: detail ? detailTree(detail).length : 0,
    pageRows: contentRows(model, size) - 4,
    span: model.span,
    laneCols,
    portOf: (link, end) => links[link]?.ends[end] ?? null,
    overviewTarget: (i) => {
      const row = model.overview[model.selectable[i]];
      if (row?.kind !== 'port') return null;
      const at = linkOfPort(links, row.port.id);
      return at ? { ...at, time: null, detail: null } : null;
    },
    findingTarget: (i) => {
      const f = model.findings[i];
      if (!f) return null;
      const ports = findingPorts(f);
      const at = ports.map((p) => linkOfPort(links, p)).find((x) => x !== null) ?? { link: ui.timeline.link, end: 0 };
      let time = Number(f.time) - t0;
      let detail: DetailTarget | null = null;
      if (f.frames.length) {
        const d = resolveFrame(model, f.frames[0], f.source);
        const source = d?.pdu.source ?? f.source ?? snap.sources[0]?.name ?? '';
        if (d) time = Number(d.pdu.time) - t0;
        const port = d?.pdu.subtype === 'lacp' ? actorPort(d.pdu) : (ports[0] ?? null);
        detail = { frameKey: frameKey(source, f.frames[0]), port, time };
        const end = port ? links[at.link]?.ends.indexOf(port) : -1;
        if (end !== undefined && end >= 0) at.end = end;
      }
      return { ...at, time, detail };
    },
    pduNear: (link, end, time) => {
      const port = links[link]?.ends[end];
      return port ? toTarget(port, snap.pdus.nearest(port, t0 + time)) : null;
    },
    pduStep: (port, time, dir) => toTarget(port, snap.pdus.step(port, t0 + time, dir)),
  };
}

const VIEW_TITLES: Record<View, string> = { overview: 'Overview', timeline: 'Timeline', findings: 'Findings', detail: 'PDU detail' };
const VIEW_ORDER: View[] = ['overview', 'timeline', 'findings', 'detail'];

function topBar(model: Model, ui: UiState, size: Size, title: string, live: boolean): Line {
  const c = severityCounts(model.snap.report?.findings ?? []);
  const line: Line = [seg(' lacpscope ', 'accent', { bold: true, inverse: true }), seg(` ${title} `, undefined, { bold: true })];
  VIEW_ORDER.forEach((v, i) => {
    const on = ui.view === v && !ui.help;
    line.push(seg(' '), seg(`${i + 1} ${VIEW_TITLES[v]}`, on ? 'accent' : 'muted', { bold: on, inverse: on || undefined }));
  });
  line.push(seg('  '), seg(`E${c.error}`, c.error ? 'bad' : 'muted', { bold: true }), seg(' '), seg(`W${c.warning}`, c.warning ? 'warn' : 'muted'), seg(' '), seg(`I${c.info}`, c.info ? 'info' : 'muted'));
  if (live) {
    const s = model.snap;
    const state = s.stopped ? 'STOPPED' : ui.follow ? 'LIVE ● following' : 'LIVE ‖ paused';
    line.push(seg('  '), seg(state, s.stopped ? 'bad' : ui.follow ? 'good' : 'warn', { bold: true }), seg(` ${thousands(s.counts.slow)} frames`));
  }
  return clip(line, size.columns);
}

function progressLine(model: Model, width: number): Line {
  const p = model.snap.progress;
  if (!p) return [];
  const frac = p.totalBytes ? Math.min(1, p.bytesRead / p.totalBytes) : null;
  const barWidth = Math.max(10, Math.min(40, width - 70));
  const filled = frac === null ? 0 : Math.round(frac * barWidth);
  return clip(
    [
      seg('Loading ', 'accent', { bold: true }),
      seg('█'.repeat(filled), 'accent'),
      seg('░'.repeat(barWidth - filled), 'muted'),
      seg(frac === null ? ` ${bytesHuman(p.bytesRead)}` : ` ${Math.floor(frac * 100)}% of ${bytesHuman(p.totalBytes ?? 0)}`),
      seg(` · ${thousands(p.frames)} slow frames${p.framesPerSec > 0 ? ` · ${thousands(p.framesPerSec)} frames/s` : ''}`),
      seg(p.secondsLeft === null ? '' : ` · ${duration(p.secondsLeft)} left`, 'muted'),
    ],
    width,
  );
}

function statusLine(model: Model, ui: UiState, ctx: Ctx, size: Size): Line {
  const s = model.snap;
  if (s.error) return clip([seg(`Input error: ${s.error}`, 'bad', { bold: true }), seg(' · the data read so far is shown')], size.columns);
  if (s.stopped) return clip([seg(`Capture stopped: ${s.stopped}`, 'bad', { bold: true }), seg(' · the data so far is kept; q quits')], size.columns);
  const filter = ui.filter ? [seg(`filter: ${ui.filter}  `, 'accent', { bold: true })] : [];
  switch (ui.view) {
    case 'overview': {
      const row = model.overview[model.selectable[ui.overviewSel]];
      const fs = row?.kind === 'port' ? row.findings : [];
      const first = fs[0];
      return clip(
        [
          ...filter,
          ...(first
            ? [seg(`${first.code}`, first.severity === 'error' ? 'bad' : 'warn', { bold: true }), seg(`: ${first.message}`), seg(fs.length > 1 ? ` (+${fs.length - 1} more)` : '', 'muted')]
            : [seg(row ? 'No findings on this port. Enter: its timeline.' : '', 'muted')]),
        ],
        size.columns,
      );
    }
    case 'timeline': {
      const t = shownTimeline(ui, ctx);
      const spc = secondsPerColumn(t.zoom, ctx.span, ctx.laneCols);
      const pdu = ctx.pduNear(t.link, t.end, t.cursor);
      const port = ctx.portOf(t.link, t.end);
      const entries = port ? model.ports.get(port)?.timeline ?? [] : [];
      let entry = null;
      for (const e of entries) if (Number(e.time) - model.t0 <= t.cursor + 1e-9) entry = e;
      return clip(
        [
          ...filter,
          seg(`cursor ${offset(t.cursor, spc)} `, 'accent', { bold: true }),
          seg(`(${duration(spc)}/col${t.zoom === null ? ', fit' : ''})  `, 'muted'),
          seg(pdu ? `PDU frame ${pdu.frameKey.slice(pdu.frameKey.lastIndexOf('#') + 1)} at ${offset(pdu.time, 0.001)} (Enter: detail)  ` : 'no PDU  ', pdu ? undefined : 'muted'),
          seg(`${'AB'[t.end]} ${port ?? ''} `),
          seg(entry ? `${stateString(entry.actor.state)}/${stateString(entry.partner.state)} ${entry.rxState}/${entry.muxState}` : ''),
        ],
        size.columns,
      );
    }
    case 'findings':
      return clip([...filter, seg('Enter: the moment and the PDU in the timeline', 'muted')], size.columns);
    case 'detail': {
      const d = ui.detail;
      return clip(
        [seg(d ? `${d.frameKey}  ${offset(d.time, 0.000001)}` : 'no PDU selected', 'muted'), seg('  n/N: next/previous PDU of this port · j/k: field · Esc: back', 'muted')],
        size.columns,
      );
    }
  }
}

const HINTS: Record<View, string> = {
  overview: 'j/k move · Enter timeline',
  timeline: 'h/l cursor · +/- zoom · 0 fit · j/k link · e end · n/N PDU · Enter detail',
  findings: 'j/k move · s sort · Enter jump',
  detail: 'j/k field · n/N PDU · Esc back',
};

function keyLine(ui: UiState, size: Size, live: boolean): Line {
  if (ui.filterDraft !== null) {
    return clip(
      [seg('/', 'accent', { bold: true }), seg(ui.filterDraft), seg('█', 'accent'), seg('   Enter apply · Esc cancel · e.g. port:22 sev:error code:late !key:13', 'muted')],
      size.columns,
    );
  }
  return clip(
    [
      seg(HINTS[ui.view], 'muted'),
      seg(` · Tab/1-4 views · / filter${live ? ' · Space follow/pause' : ''} · ? help · q quit`, 'muted'),
    ],
    size.columns,
  );
}

export function renderScreen(model: Model, ui: UiState, size: Size, opts: { title: string; live: boolean }): Line[] {
  const ctx = makeCtx(model, ui, size, opts.live);
  const height = contentRows(model, size);
  const width = size.columns;
  let content: Line[];
  if (ui.help) content = helpLines(width, height);
  else {
    switch (ui.view) {
      case 'overview':
        content = overviewLines(model.snap, model.overview, model.findings, ui.overviewSel, width, height, opts.live);
        break;
      case 'timeline':
        content = model.snap.report
          ? timelineLines({
              rows: model.links,
              ports: model.ports,
              findings: model.snap.report.findings,
              pdus: model.snap.pdus,
              t0: model.t0,
              span: model.span,
              timeline: shownTimeline(ui, ctx),
              width,
              height,
            })
          : [[seg('Waiting for LACPDUs…', 'muted')]];
        break;
      case 'findings':
        content = findingsLines(model.findings, model.snap.report?.findings.length ?? 0, ui.findingsSel, ui.findingsOrder, model.t0, width, height);
        break;
      case 'detail': {
        const d = ui.detail ? model.snap.frames.get(ui.detail.frameKey) : undefined;
        const missing = ui.detail && !d
          ? `Frame ${ui.detail.frameKey} is not kept in memory: only state changes, finding evidence and the last ${RECENT} frames are. n/N steps to other PDUs of the port.`
          : null;
        content = detailLines(d, missing, ui.detailField, width, height);
        break;
      }
    }
  }
  const lines: Line[] = [topBar(model, ui, size, opts.title, opts.live)];
  if (showProgress(model)) lines.push(progressLine(model, width));
  lines.push(...content.slice(0, height));
  while (lines.length < size.rows - 2) lines.push([]);
  lines.push(statusLine(model, ui, ctx, size), keyLine(ui, size, opts.live));
  return lines.slice(0, size.rows);
}

