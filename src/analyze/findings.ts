/**
 * Findings as episodes: one record per occurrence of a condition, extended while it lasts,
 * with a bounded evidence list. Messages are built when the report is made, from the episode's
 * final figures.
 */
import type { Finding, FindingCode, Severity } from './model.js';

export interface FindingRecord {
  key: string;
  code: FindingCode;
  severity: Severity;
  port: string | null;
  link: string | null;
  start: number;
  startStr: string;
  end: number;
  endStr: string;
  frames: number[];
  /** Evidence frames seen, including those not kept. */
  count: number;
  source: string | undefined;
  message: (r: FindingRecord) => string;
}

export interface Evidence {
  t: number;
  time: string;
  frame: number | null;
  source?: string;
}

export interface FindingInit {
  code: FindingCode;
  severity: Severity;
  port: string | null;
  link?: string | null;
  message: (r: FindingRecord) => string;
}

const NONE_FRESH: readonly FindingRecord[] = [];

export class FindingLog {
  readonly records = new Map<string, FindingRecord>();
  /** Keys of the current episode per (code, subject): where repeats merge. */
  private readonly current = new Map<string, string>();
  /** Records created since the last `drainFresh`, for live events. */
  private fresh: FindingRecord[] = [];

  constructor(private readonly maxFrames: number) {}

  /** Create (or return) the record `key`, starting at `ev`. */
  open(key: string, init: FindingInit, ev: Evidence): FindingRecord {
    const existing = this.records.get(key);
    if (existing) {
      this.extend(existing, ev);
      return existing;
    }
    const r = newRecord(key, init, ev);
    this.records.set(key, r);
    this.fresh.push(r);
    return r;
  }

  /**
   * Extend the current episode of `subject` when it ended within `mergeSec` of `ev`, otherwise open a
   * new one: one finding per episode, not per PDU.
   */
  episode(subject: string, init: FindingInit, ev: Evidence, mergeSec: number): FindingRecord {
    const ck = `${init.code}|${subject}`;
    const key = this.current.get(ck);
    const r = key === undefined ? undefined : this.records.get(key);
    if (r && ev.t - r.end <= mergeSec) {
      this.extend(r, ev);
      return r;
    }
    const nk = `${ck}|${ev.time}`;
    this.current.set(ck, nk);
    return this.open(nk, init, ev);
  }

  extend(r: FindingRecord, ev: Evidence): void {
    if (ev.t >= r.end) {
      r.end = ev.t;
      r.endStr = ev.time;
    }
    if (ev.frame !== null) addFrame(r, ev.frame, this.maxFrames);
  }

  drainFresh(): readonly FindingRecord[] {
    // Called per PDU: nothing new (the usual case) allocates nothing.
    if (this.fresh.length === 0) return NONE_FRESH;
    const f = this.fresh;
    this.fresh = [];
    return f;
  }
}

export function newRecord(key: string, init: FindingInit, ev: Evidence): FindingRecord {
  const r: FindingRecord = {
    key,
    code: init.code,
    severity: init.severity,
    port: init.port,
    link: init.link ?? null,
    start: ev.t,
    startStr: ev.time,
    end: ev.t,
    endStr: ev.time,
    frames: [],
    count: 0,
    source: ev.source,
    message: init.message,
  };
  if (ev.frame !== null) addFrame(r, ev.frame, Number.POSITIVE_INFINITY);
  return r;
}

/** Keep the first frames and always the latest one, so evidence stays bounded. */
function addFrame(r: FindingRecord, frame: number, max: number): void {
  r.count++;
  if (r.frames.includes(frame)) return;
  if (r.frames.length < max) r.frames.push(frame);
  else r.frames[r.frames.length - 1] = frame;
}

/** A copy of `r` extended to `ev`, for conditions still open when the report is made. */
export function extendedCopy(r: FindingRecord, ev: Evidence, maxFrames: number): FindingRecord {
  const c: FindingRecord = { ...r, frames: [...r.frames] };
  if (ev.t >= c.end) {
    c.end = ev.t;
    c.endStr = ev.time;
  }
  if (ev.frame !== null) addFrame(c, ev.frame, maxFrames);
  return c;
}

/** Messages that open with a port description (`port 22 of system …`) start with a capital. */
function sentence(text: string): string {
  return text.startsWith('port ') ? `P${text.slice(1)}` : text;
}

const CODE_ORDER: Record<Severity, number> = { error: 0, warning: 1, info: 2 };

export function toFinding(r: FindingRecord): Finding {
  const f: Finding = {
    code: r.code,
    severity: r.severity,
    port: r.port,
    link: r.link,
    time: r.startStr,
    until: r.endStr,
    frames: r.frames.slice(),
    message: sentence(r.message(r)),
  };
  if (r.source !== undefined) f.source = r.source;
  return f;
}

/** Time order; ties broken by severity, code and subject so the order never depends on input chunking. */
export function compareRecords(a: FindingRecord, b: FindingRecord): number {
  return (
    a.start - b.start ||
    CODE_ORDER[a.severity] - CODE_ORDER[b.severity] ||
    (a.code < b.code ? -1 : a.code > b.code ? 1 : 0) ||
    (a.key < b.key ? -1 : a.key > b.key ? 1 : 0)
  );
}
