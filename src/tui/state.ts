/**
 * The interface state (which view, selections, timeline zoom and cursor, filter, help) and the
 * pure functions that change it: `keyCommand` maps a key press to a command, `reduce` applies a
 * command given the facts about the data it needs (`Ctx`). No rendering, no I/O.
 */
import type { FindingsOrder } from './derive.js';

export const VIEWS = ['overview', 'timeline', 'findings', 'detail'] as const;
export type View = (typeof VIEWS)[number];

/** Seconds per timeline column, from 1 ms to 1 day. */
export const ZOOM_LEVELS = [
  0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200,
  14400, 43200, 86400,
] as const;

export type LaneMode = 'auto' | 'actor' | 'partner' | 'both';

export interface DetailTarget {
  /** Frame key (`source#frame`) of the PDU shown. */
  frameKey: string;
  /** Port whose PDUs `n`/`N` step through, and the PDU's time (seconds from capture start). */
  port: string | null;
  time: number;
}

export interface UiState {
  view: View;
  /** View to return to on Esc from the detail view. */
  back: View;
  help: boolean;
  filter: string;
  /** Filter text being typed, or null when the prompt is closed. */
  filterDraft: string | null;
  /** First `g` of `gg` seen. */
  pendingG: boolean;
  overviewSel: number;
  findingsSel: number;
  findingsOrder: FindingsOrder;
  timeline: {
    link: number;
    end: number;
    /** Index into ZOOM_LEVELS, or null for "fit the whole capture". */
    zoom: number | null;
    /** Seconds from capture start at the left edge and at the cursor. */
    start: number;
    cursor: number;
    lanes: LaneMode;
  };
  detail: DetailTarget | null;
  detailField: number;
  /** Live: keep the newest data in view (off = paused, the screen holds still). */
  follow: boolean;
}

export function initialState(): UiState {
  return {
    view: 'overview',
    back: 'overview',
    help: false,
    filter: '',
    filterDraft: null,
    pendingG: false,
    overviewSel: 0,
    findingsSel: 0,
    findingsOrder: 'severity',
    timeline: { link: 0, end: 0, zoom: null, start: 0, cursor: 0, lanes: 'auto' },
    detail: null,
    detailField: 0,
    follow: true,
  };
}

export type Command =
  | { type: 'quit' }
  | { type: 'view'; view: View }
  | { type: 'cycle'; dir: 1 | -1 }
  | { type: 'help' }
  | { type: 'back' }
  | { type: 'enter' }
  | { type: 'move'; by: number }
  | { type: 'page'; dir: 1 | -1 }
  | { type: 'edge'; end: 'top' | 'bottom' }
  | { type: 'g' }
  | { type: 'cursor'; by: number }
  | { type: 'scroll'; dir: 1 | -1 }
  | { type: 'zoom'; dir: 1 | -1 }
  | { type: 'fit' }
  | { type: 'switchEnd' }
  | { type: 'lanes' }
  | { type: 'step'; dir: 1 | -1 }
  | { type: 'sort' }
  | { type: 'follow' }
  | { type: 'filterOpen' }
  | { type: 'filterType'; text: string }
  | { type: 'filterBackspace' }
  | { type: 'filterClear' }
  | { type: 'filterApply' }
  | { type: 'filterCancel' };

/** The subset of Ink's Key this module reads. */
export interface KeyInfo {
  upArrow?: boolean;
  downArrow?: boolean;
  leftArrow?: boolean;
  rightArrow?: boolean;
  pageUp?: boolean;
  pageDown?: boolean;
  home?: boolean;
  end?: boolean;
  return?: boolean;
  escape?: boolean;
  ctrl?: boolean;
  shift?: boolean;
  tab?: boolean;
  backspace?: boolean;
  delete?: boolean;
  meta?: boolean;
}

/** Every key, as the help screen lists it. */
export const KEY_HELP: readonly { keys: string; what: string; where: string }[] = [
  { keys: '1 2 3 4', what: 'Overview, Timeline, Findings, PDU detail', where: 'everywhere' },
  { keys: 'Tab / Shift-Tab', what: 'next / previous view', where: 'everywhere' },
  { keys: '↑ ↓  k j', what: 'move the selection (link in Timeline, field in Detail)', where: 'everywhere' },
  { keys: 'PgUp PgDn  Ctrl-u Ctrl-d', what: 'page up / down', where: 'lists' },
  { keys: 'gg  G  Home End', what: 'first / last (start / end of time in Timeline)', where: 'everywhere' },
  { keys: 'Enter', what: 'open: port → timeline, finding → its moment and PDU, cursor → PDU detail', where: 'everywhere' },
  { keys: 'Esc', what: 'back (closes help, filter prompt, detail), clears the filter', where: 'everywhere' },
  { keys: '← →  h l', what: 'move the time cursor one column', where: 'Timeline' },
  { keys: 'H L  Shift-← Shift-→', what: 'scroll half a screen', where: 'Timeline' },
  { keys: '+ -', what: 'zoom the time axis in / out (around the cursor)', where: 'Timeline' },
  { keys: '0', what: 'fit the whole capture', where: 'Timeline' },
  { keys: 'n N', what: 'next / previous PDU of the selected end', where: 'Timeline, Detail' },
  { keys: 'e', what: 'switch the selected end of the link (A / B)', where: 'Timeline' },
  { keys: 'p', what: 'lanes: actor bits / partner bits / both', where: 'Timeline' },
  { keys: 's', what: 'sort findings by severity or by time', where: 'Findings' },
  { keys: '/', what: 'filter: words or port: system: key: sev: code: (! negates)', where: 'everywhere' },
  { keys: 'Space  f', what: 'follow / pause (live)', where: 'everywhere' },
  { keys: '?', what: 'this help', where: 'everywhere' },
  { keys: 'q  Ctrl-c', what: 'quit', where: 'everywhere' },
];

/**
 * A burst of typed or pasted characters (or a key sent right after text) arrives as one string:
 * split it into single keys, recognising Enter, Tab, Backspace and Esc inside it.
 */
export function splitKeys(input: string, key: KeyInfo): [string, KeyInfo][] {
  if (input.length <= 1 || key.ctrl || key.meta) return [[input, key]];
  return [...input].map((ch): [string, KeyInfo] => {
    if (ch === '\r' || ch === '\n') return ['', { return: true }];
    if (ch === '\t') return ['', { tab: true }];
    if (ch === '\x7f' || ch === '\b') return ['', { backspace: true }];
    if (ch === '\x1b') return ['', { escape: true }];
    return [ch, {}];
  });
}

export function keyCommand(ui: UiState, input: string, key: KeyInfo): Command | null {
  if (key.ctrl && input === 'c') return { type: 'quit' };
  if (ui.filterDraft !== null) {
    if (key.escape) return { type: 'filterCancel' };
    if (key.return) return { type: 'filterApply' };
    if (key.backspace || key.delete) return { type: 'filterBackspace' };
    if (key.ctrl && input === 'u') return { type: 'filterClear' };
    if (input && !key.ctrl && !key.meta && !key.tab && !key.upArrow && !key.downArrow) return { type: 'filterType', text: input };
    return null;
  }
  if (ui.help) {
    if (input === 'q') return { type: 'quit' };
    if (key.escape || key.return || input === '?') return { type: 'help' };
    return null;
  }
  if (key.tab) return { type: 'cycle', dir: key.shift ? -1 : 1 };
  if (key.return) return { type: 'enter' };
  if (key.escape) return { type: 'back' };
  if (key.upArrow) return { type: 'move', by: -1 };
  if (key.downArrow) return { type: 'move', by: 1 };
  if (key.leftArrow) return key.shift ? { type: 'scroll', dir: -1 } : { type: 'cursor', by: -1 };
  if (key.rightArrow) return key.shift ? { type: 'scroll', dir: 1 } : { type: 'cursor', by: 1 };
  if (key.pageUp || (key.ctrl && (input === 'u' || input === 'b'))) return { type: 'page', dir: -1 };
  if (key.pageDown || (key.ctrl && (input === 'd' || input === 'f'))) return { type: 'page', dir: 1 };
  if (key.home) return { type: 'edge', end: 'top' };
  if (key.end) return { type: 'edge', end: 'bottom' };
  if (key.ctrl || key.meta) return null;
  switch (input) {
    case 'q': return { type: 'quit' };
    case '?': return { type: 'help' };
    case '/': return { type: 'filterOpen' };
    case '1': return { type: 'view', view: 'overview' };
    case '2': return { type: 'view', view: 'timeline' };
    case '3': return { type: 'view', view: 'findings' };
    case '4': return { type: 'view', view: 'detail' };
    case 'j': return { type: 'move', by: 1 };
    case 'k': return { type: 'move', by: -1 };
    case 'h': return { type: 'cursor', by: -1 };
    case 'l': return { type: 'cursor', by: 1 };
    case 'H': return { type: 'scroll', dir: -1 };
    case 'L': return { type: 'scroll', dir: 1 };
    case 'g': return { type: 'g' };
    case 'G': return { type: 'edge', end: 'bottom' };
    case '+': case '=': return { type: 'zoom', dir: 1 };
    case '-': case '_': return { type: 'zoom', dir: -1 };
    case '0': return { type: 'fit' };
    case 'e': return { type: 'switchEnd' };
    case 'p': return { type: 'lanes' };
    case 'n': return { type: 'step', dir: 1 };
    case 'N': return { type: 'step', dir: -1 };
    case 's': return { type: 'sort' };
    case ' ': case 'f': return { type: 'follow' };
    default: return null;
  }
}

/** A place in the timeline: a link row, one of its ends, a moment, and maybe a PDU. */
export interface Target {
  link: number;
  end: number;
  /** Seconds from capture start. */
  time: number | null;
  detail: DetailTarget | null;
}

/** What `reduce` needs to know about the data (computed by the caller from the snapshot). */
export interface Ctx {
  /** Live capture: with `follow` on, the timeline shows the newest moment. */
  live: boolean;
  overviewCount: number;
  findingsCount: number;
  links: number;
  /** Ends of each link row (1 or 2). */
  endsOf(link: number): number;
  detailFields: number;
  /** Rows a list shows at once. */
  pageRows: number;
  /** Capture length in seconds (timeline x from 0 to span). */
  span: number;
  /** Columns of the timeline lanes. */
  laneCols: number;
  overviewTarget(index: number): Target | null;
  findingTarget(index: number): Target | null;
  /** The PDU of the link end nearest to `time` (seconds from start). */
  pduNear(link: number, end: number, time: number): DetailTarget | null;
  /** The next or previous PDU of a port after/before `time`. */
  pduStep(port: string, time: number, dir: 1 | -1): DetailTarget | null;
  /** Port of a link end, for stepping from the timeline. */
  portOf(link: number, end: number): string | null;
}

const clampIndex = (i: number, n: number) => Math.max(0, Math.min(n - 1, i));
const clamp = (v: number, lo: number, hi: number) => Math.max(lo, Math.min(hi, v));

/** Seconds per column: the zoom level, or (fit) the whole capture across the lanes. */
export function secondsPerColumn(zoom: number | null, span: number, cols: number): number {
  if (zoom !== null) return ZOOM_LEVELS[zoom];
  return Math.max(ZOOM_LEVELS[0], span / Math.max(1, cols - 1));
}

/** The smallest zoom level that shows the whole capture (where zooming from "fit" starts). */
export function fitZoom(span: number, cols: number): number {
  const i = ZOOM_LEVELS.findIndex((s) => s * Math.max(1, cols) >= span);
  return i < 0 ? ZOOM_LEVELS.length - 1 : i;
}

type Timeline = UiState['timeline'];

/** Keep the cursor inside the capture and the visible window around the cursor. */
function settle(t: Timeline, ctx: Ctx): Timeline {
  const spc = secondsPerColumn(t.zoom, ctx.span, ctx.laneCols);
  const width = spc * ctx.laneCols;
  const cursor = clamp(t.cursor, 0, ctx.span);
  let start = t.zoom === null ? 0 : t.start;
  if (cursor < start) start = cursor;
  if (cursor >= start + width) start = cursor - width + spc;
  start = clamp(start, 0, Math.max(0, ctx.span - width + spc));
  // Columns are aligned to whole multiples of their width so lanes do not shimmer while scrolling.
  start = Math.floor(start / spc) * spc;
  return { ...t, cursor, start };
}

function goTo(ui: UiState, target: Target, ctx: Ctx): UiState {
  let timeline: Timeline = { ...ui.timeline, link: target.link, end: target.end };
  if (target.time !== null) timeline = settle({ ...timeline, cursor: target.time }, ctx);
  return { ...ui, view: 'timeline', timeline, detail: target.detail ?? ui.detail, detailField: target.detail ? 0 : ui.detailField };
}

function openDetail(ui: UiState, detail: DetailTarget | null): UiState {
  if (!detail) return ui;
  return { ...ui, view: 'detail', back: ui.view === 'detail' ? ui.back : ui.view, detail, detailField: 0 };
}

/** The timeline as shown: while following a live capture, the cursor sits at the newest moment. */
export function shownTimeline(ui: UiState, ctx: Ctx): Timeline {
  return ctx.live && ui.follow ? settle({ ...ui.timeline, cursor: ctx.span }, ctx) : ui.timeline;
}

export function reduce(ui: UiState, cmd: Command, ctx: Ctx): UiState {
  if (cmd.type !== 'g' && ui.pendingG) ui = { ...ui, pendingG: false };
  const t = shownTimeline(ui, ctx);
  switch (cmd.type) {
    case 'quit':
      return ui;
    case 'view':
      return { ...ui, view: cmd.view, back: cmd.view === 'detail' ? ui.back : cmd.view };
    case 'cycle': {
      const i = (VIEWS.indexOf(ui.view) + cmd.dir + VIEWS.length) % VIEWS.length;
      return reduce(ui, { type: 'view', view: VIEWS[i] }, ctx);
    }
    case 'help':
      return { ...ui, help: !ui.help };
    case 'back':
      if (ui.view === 'detail') return { ...ui, view: ui.back };
      if (ui.filter) return { ...ui, filter: '', overviewSel: 0, findingsSel: 0 };
      if (ui.view !== 'overview') return { ...ui, view: 'overview' };
      return ui;
    case 'filterOpen':
      return { ...ui, filterDraft: ui.filter };
    case 'filterType':
      return { ...ui, filterDraft: (ui.filterDraft ?? '') + cmd.text, overviewSel: 0, findingsSel: 0 };
    case 'filterBackspace':
      return { ...ui, filterDraft: (ui.filterDraft ?? '').slice(0, -1) };
    case 'filterClear':
      return { ...ui, filterDraft: '' };
    case 'filterApply':
      return { ...ui, filter: (ui.filterDraft ?? '').trim(), filterDraft: null, overviewSel: 0, findingsSel: 0 };
    case 'filterCancel':
      return { ...ui, filterDraft: null };
    case 'follow':
      // Pausing holds the view where following had it.
      return { ...ui, follow: !ui.follow, timeline: t };
    case 'sort':
      return ui.view === 'findings'
        ? { ...ui, findingsOrder: ui.findingsOrder === 'severity' ? 'time' : 'severity', findingsSel: 0 }
        : ui;
    case 'g':
      if (!ui.pendingG) return { ...ui, pendingG: true };
      return reduce({ ...ui, pendingG: false }, { type: 'edge', end: 'top' }, ctx);
    case 'move':
      switch (ui.view) {
        case 'overview':
          return { ...ui, overviewSel: clampIndex(ui.overviewSel + cmd.by, ctx.overviewCount) };
        case 'findings':
          return { ...ui, findingsSel: clampIndex(ui.findingsSel + cmd.by, ctx.findingsCount) };
        case 'timeline': {
          const link = clampIndex(t.link + cmd.by, ctx.links);
          return { ...ui, timeline: { ...t, link, end: link === t.link ? t.end : 0 } };
        }
        case 'detail':
          return { ...ui, detailField: clampIndex(ui.detailField + cmd.by, ctx.detailFields) };
      }
      return ui;
    case 'page': {
      const by = cmd.dir * Math.max(1, ctx.pageRows - 1);
      if (ui.view === 'timeline') return reduce(ui, { type: 'scroll', dir: cmd.dir }, ctx);
      return reduce(ui, { type: 'move', by }, ctx);
    }
    case 'edge':
      if (ui.view === 'timeline') {
        return { ...ui, timeline: settle({ ...t, cursor: cmd.end === 'top' ? 0 : ctx.span }, ctx) };
      }
      return reduce(ui, { type: 'move', by: cmd.end === 'top' ? -Infinity : Infinity }, { ...ctx });
    case 'cursor': {
      if (ui.view !== 'timeline') return ui;
      const spc = secondsPerColumn(t.zoom, ctx.span, ctx.laneCols);
      return { ...ui, follow: false, timeline: settle({ ...t, cursor: t.cursor + cmd.by * spc }, ctx) };
    }
    case 'scroll': {
      if (ui.view !== 'timeline') return ui;
      const spc = secondsPerColumn(t.zoom, ctx.span, ctx.laneCols);
      const by = cmd.dir * Math.max(1, Math.floor(ctx.laneCols / 2)) * spc;
      const zoom = t.zoom ?? fitZoom(ctx.span, ctx.laneCols);
      return { ...ui, follow: false, timeline: settle({ ...t, zoom, start: t.start + by, cursor: t.cursor + by }, ctx) };
    }
    case 'zoom': {
      if (ui.view !== 'timeline') return ui;
      const current = t.zoom ?? fitZoom(ctx.span, ctx.laneCols);
      const zoom = clampIndex(current - cmd.dir, ZOOM_LEVELS.length);
      const oldSpc = ZOOM_LEVELS[current];
      const newSpc = ZOOM_LEVELS[zoom];
      // Keep the cursor at the same place on screen.
      const start = t.cursor - ((t.cursor - (t.zoom === null ? 0 : t.start)) * newSpc) / oldSpc;
      return { ...ui, timeline: settle({ ...t, zoom, start }, ctx) };
    }
    case 'fit':
      return ui.view === 'timeline' ? { ...ui, timeline: settle({ ...t, zoom: null, start: 0 }, ctx) } : ui;
    case 'switchEnd':
      return ui.view === 'timeline' ? { ...ui, timeline: { ...t, end: (t.end + 1) % Math.max(1, ctx.endsOf(t.link)) } } : ui;
    case 'lanes': {
      if (ui.view !== 'timeline') return ui;
      const order: LaneMode[] = ['auto', 'actor', 'partner', 'both'];
      return { ...ui, timeline: { ...t, lanes: order[(order.indexOf(t.lanes) + 1) % order.length] } };
    }
    case 'step': {
      if (ui.view === 'timeline') {
        const port = ctx.portOf(t.link, t.end);
        const next = port ? ctx.pduStep(port, t.cursor, cmd.dir) : null;
        return next ? { ...ui, follow: false, timeline: settle({ ...t, cursor: next.time }, ctx) } : ui;
      }
      if (ui.view === 'detail' && ui.detail?.port) {
        const next = ctx.pduStep(ui.detail.port, ui.detail.time, cmd.dir);
        return next ? { ...ui, detail: next, timeline: settle({ ...t, cursor: next.time }, ctx) } : ui;
      }
      return ui;
    }
    case 'enter':
      switch (ui.view) {
        case 'overview': {
          const target = ctx.overviewTarget(ui.overviewSel);
          return target ? goTo(ui, target, ctx) : ui;
        }
        case 'findings': {
          const target = ctx.findingTarget(ui.findingsSel);
          return target ? goTo(ui, target, ctx) : ui;
        }
        case 'timeline':
          return openDetail(ui, ctx.pduNear(t.link, t.end, t.cursor));
        default:
          return ui;
      }
  }
}
