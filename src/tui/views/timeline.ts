/**
 * Timeline view model: for the selected link, each end's actor (and/or partner) state bits as
 * lanes over time, a PDU lane where gaps show (late and timed-out stretches marked), and a lane
 * of findings. Pure: report + PDU index + UI state + size in, lines out.
 */
import type { Finding, PortReport, Severity, TimelineEntry } from '../../analyze/model.js';
import { STATE_BITS } from '../../decode/fields.js';
import { stateString } from '../../decode/format.js';
import type { LinkRow } from '../derive.js';
import { severityRank, severityTone } from '../derive.js';
import type { PduIndex } from '../frames.js';
import type { LaneMode, UiState } from '../state.js';
import { secondsPerColumn } from '../state.js';
import type { Line, Segment, Tone } from '../text.js';
import { clip, offset, pad, seg } from '../text.js';

export const LANE_LABEL = 15;

const LANE_NAMES = ['Activity', 'Timeout', 'Aggregat', 'Sync', 'Collect', 'Distrib', 'Default', 'Expired'] as const;

export const GLYPH = { set: '█', clear: '·', change: '▏', pdu: '|', late: '~', timeout: 'X', cursor: '▼' } as const;

export interface TimelineInput {
  rows: LinkRow[];
  ports: Map<string, PortReport>;
  findings: Finding[];
  pdus: PduIndex;
  /** Capture start (epoch seconds) and length (seconds). */
  t0: number;
  span: number;
  timeline: UiState['timeline'];
  width: number;
  height: number;
}

/** Lane columns for a width: everything right of the label. */
export function laneColumns(width: number): number {
  return Math.max(10, width - LANE_LABEL - 1);
}

interface Column {
  /** Absolute epoch seconds [from, to). */
  from: number;
  to: number;
}

function columns(t0: number, start: number, spc: number, cols: number): Column[] {
  const out: Column[] = [];
  for (let c = 0; c < cols; c++) out.push({ from: t0 + start + c * spc, to: t0 + start + (c + 1) * spc });
  return out;
}

/** For each column: bits set throughout (and) and bits set at some point (or), or null outside the port's life. */
function columnStates(entries: TimelineEntry[], side: 'actor' | 'partner', cols: Column[], first: number, last: number) {
  const times = entries.map((e) => Number(e.time));
  const out: ({ and: number; or: number } | null)[] = [];
  let i = -1;
  for (const col of cols) {
    if (col.to <= first || col.from > last || !entries.length) {
      out.push(null);
      continue;
    }
    while (i + 1 < entries.length && times[i + 1] <= col.from) i++;
    let and = 0xff, or = 0;
    let any = false;
    if (i >= 0) {
      const s = entries[i][side].state;
      and &= s;
      or |= s;
      any = true;
    }
    for (let j = i + 1; j < entries.length && times[j] < col.to; j++) {
      const s = entries[j][side].state;
      and &= s;
      or |= s;
      any = true;
    }
    out.push(any ? { and, or } : null);
  }
  return out;
}

function laneChars(states: ({ and: number; or: number } | null)[], mask: number): string {
  let s = '';
  for (const st of states) {
    if (!st) s += ' ';
    else if (st.and & mask) s += GLYPH.set;
    else if (st.or & mask) s += GLYPH.change;
    else s += GLYPH.clear;
  }
  return s;
}

/** Runs of equal tone become one segment; the cursor column is shown inverse. */
function laneSegments(chars: string[], tones: (Tone | undefined)[], cursor: number): Segment[] {
  const out: Segment[] = [];
  for (let c = 0; c < chars.length; c++) {
    const inverse = c === cursor;
    const last = out[out.length - 1];
    if (last && last.tone === tones[c] && !last.inverse && !inverse) last.text += chars[c];
    else out.push({ text: chars[c], tone: tones[c], inverse: inverse || undefined });
  }
  return out;
}

function inSpan(f: Finding, col: Column): boolean {
  return Number(f.time) < col.to && Number(f.until) >= col.from;
}

function pduLane(port: string, cols: Column[], pdus: PduIndex, gaps: Finding[]) {
  const chars: string[] = [];
  const tones: (Tone | undefined)[] = [];
  for (const col of cols) {
    const n = pdus.countBetween(port, col.from, col.to);
    const timeout = gaps.find((f) => f.code === 'PDU_TIMEOUT' && inSpan(f, col));
    const late = gaps.find((f) => f.code === 'LATE_PDU' && inSpan(f, col));
    if (n > 0) {
      chars.push(GLYPH.pdu);
      tones.push(timeout ? 'bad' : late ? 'warn' : 'good');
    } else if (timeout) {
      chars.push(GLYPH.timeout);
      tones.push('bad');
    } else if (late) {
      chars.push(GLYPH.late);
      tones.push('warn');
    } else {
      chars.push(' ');
      tones.push(undefined);
    }
  }
  return { chars, tones };
}

function findingLane(findings: Finding[], cols: Column[]) {
  const chars: string[] = [];
  const tones: (Tone | undefined)[] = [];
  for (const col of cols) {
    let worst: Severity | null = null;
    let during = false;
    for (const f of findings) {
      const t = Number(f.time);
      if (t >= col.from && t < col.to) {
        if (worst === null || severityRank(f.severity) < severityRank(worst)) worst = f.severity;
      } else if (inSpan(f, col)) during = true;
    }
    if (worst) {
      chars.push(worst === 'error' ? 'E' : worst === 'warning' ? 'W' : 'I');
      tones.push(severityTone(worst));
    } else {
      chars.push(during ? '-' : ' ');
      tones.push(during ? 'muted' : undefined);
    }
  }
  return { chars, tones };
}

function axis(start: number, spc: number, cols: number, cursor: number, label: string): Line {
  const chars = Array<string>(cols).fill(' ');
  const nice = [1, 2, 5];
  let tick = spc * 12;
  for (let p = -3; p < 7; p++) {
    const found = nice.map((n) => n * 10 ** p).find((v) => v >= spc * 12);
    if (found !== undefined) {
      tick = found;
      break;
    }
  }
  for (let t = Math.ceil(start / tick - 1e-9) * tick; t < start + cols * spc; t += tick) {
    const c = Math.round((t - start) / spc);
    const label = `|${offset(t, tick)}`;
    for (let k = 0; k < label.length && c + k < cols; k++) chars[c + k] = label[k];
  }
  const out: Line = [seg(pad(label, LANE_LABEL + 1), 'accent', { bold: true })];
  out.push(seg(chars.slice(0, Math.max(0, cursor)).join(''), 'muted'));
  if (cursor >= 0 && cursor < cols) {
    out.push(seg(GLYPH.cursor, 'accent', { bold: true }));
    out.push(seg(chars.slice(cursor + 1).join(''), 'muted'));
  }
  return out;
}

function lanesFor(mode: LaneMode, height: number, ends: number): ('actor' | 'partner')[] {
  if (mode === 'actor') return ['actor'];
  if (mode === 'partner') return ['partner'];
  if (mode === 'both') return ['actor', 'partner'];
  // auto: both sides when they fit with titles, else the actor's own bits.
  return 3 + ends * (2 + 16) <= height ? ['actor', 'partner'] : ['actor'];
}

export function timelineLines(input: TimelineInput): Line[] {
  const { rows, ports, findings, pdus, t0, span, timeline: ui, width, height } = input;
  const cols = laneColumns(width);
  const spc = secondsPerColumn(ui.zoom, span, cols);
  const lines: Line[] = [];
  const row = rows[ui.link];
  if (!row) return [[seg('No LACP ports yet.', 'muted')]];
  const cs = columns(t0, ui.start, spc, cols);
  const cursor = Math.floor((ui.cursor - ui.start) / spc + 1e-9);
  const sides = lanesFor(ui.lanes, height, row.ends.length);
  const withTitles = 3 + row.ends.length * (2 + 8 * sides.length) <= height;
  // On small screens the link line goes (its ports are in the status line) so all lanes fit.
  const withHeader = 3 + row.ends.length * (1 + 8 * sides.length) <= height;

  if (withHeader) lines.push(
    clip(
      [
        seg(`Link ${ui.link + 1}/${rows.length} `, 'accent', { bold: true }),
        ...row.ends.flatMap((id, i) => {
          const p = ports.get(id);
          const state = p?.timeline.at(-1)?.actor.state;
          return [
            seg(i ? ' ⇄ ' : ''),
            seg(`${'AB'[i]} ${id}`, undefined, { bold: i === ui.end, inverse: i === ui.end || undefined }),
            seg(state === undefined ? '' : ` ${stateString(state)}`, 'muted'),
          ];
        }),
        seg(row.bundled ? '  bundled' : '', 'good'),
      ],
      width,
    ),
  );
  lines.push(axis(ui.start, spc, cols, cursor, withHeader ? '' : `Link ${ui.link + 1}/${rows.length}`));

  const related = (id: string) =>
    findings.filter((f) => f.port === id || (f.port === null && f.link !== null && f.link.split(' <-> ').includes(id)));
  row.ends.forEach((id, i) => {
    const p = ports.get(id);
    if (!p) return;
    const endName = 'AB'[i];
    const selected = i === ui.end;
    const mark = selected ? '▶' : ' ';
    const life = { first: Number(p.firstSeen), last: Number(p.lastSeen) };
    if (withTitles) {
      lines.push(
        clip(
          [
            seg(`${mark}${endName} `, 'accent', { bold: selected }),
            seg(id, undefined, { bold: true }),
            seg(`  ${p.interfaces.join(',')}  ${p.pdus} PDUs  partner asks ${p.requestedRate}  partner ${p.peer ?? 'none'}`, 'muted'),
          ],
          width,
        ),
      );
    }
    for (const side of sides) {
      const states = columnStates(p.timeline, side, cs, life.first, life.last);
      STATE_BITS.forEach((b, k) => {
        const label = `${k === 0 ? mark : ' '}${endName} ${side === 'actor' ? 'act' : 'prt'} ${LANE_NAMES[k]}`;
        const chars = [...laneChars(states, b.mask)];
        const tone: Tone | undefined = b.flag === 'expired' || b.flag === 'defaulted' ? 'bad' : side === 'actor' ? 'good' : 'info';
        lines.push(clip([seg(pad(label, LANE_LABEL + 1), undefined, { bold: selected && k === 0 }), ...laneSegments(chars, chars.map(() => tone), cursor)], width));
      });
    }
    const gaps = related(id).filter((f) => f.code === 'LATE_PDU' || f.code === 'PDU_TIMEOUT');
    const lane = pduLane(id, cs, pdus, gaps);
    lines.push(clip([seg(pad(` ${endName} PDUs`, LANE_LABEL + 1)), ...laneSegments(lane.chars, lane.tones, cursor)], width));
  });

  const linkFindings = findings.filter(
    (f) => row.ends.includes(f.port ?? '') || (f.link !== null && f.link.split(' <-> ').some((p) => row.ends.includes(p))),
  );
  const fl = findingLane(linkFindings, cs);
  lines.push(clip([seg(pad('  Findings', LANE_LABEL + 1)), ...laneSegments(fl.chars, fl.tones, cursor)], width));

  // Room left: what is at the cursor, then the other links.
  const spare = height - lines.length;
  if (spare >= 2) {
    const at = t0 + ui.cursor;
    const here = linkFindings.filter((f) => Number(f.time) <= at + spc && Number(f.until) >= at);
    lines.push([]);
    for (const f of here.slice(0, Math.max(0, spare - 2 - Math.min(rows.length, 8)))) {
      lines.push(clip([seg(`${f.severity.toUpperCase().padEnd(7)} `, severityTone(f.severity), { bold: true }), seg(`${f.code} `, undefined, { bold: true }), seg(f.message)], width));
    }
  }
  if (height - lines.length >= 3 && rows.length > 1) {
    lines.push([seg('Links (j/k):', 'muted')]);
    const room = height - lines.length;
    const first = Math.max(0, Math.min(ui.link - Math.floor(room / 2), rows.length - room));
    for (let i = first; i < Math.min(rows.length, first + room); i++) {
      const r = rows[i];
      lines.push(clip([seg(i === ui.link ? '▶ ' : '  ', 'accent'), seg(r.label, undefined, { inverse: i === ui.link || undefined }), seg(r.bundled ? '  bundled' : '', 'good')], width));
    }
  }
  return lines.slice(0, height);
}
