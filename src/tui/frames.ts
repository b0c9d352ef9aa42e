/**
 * What the TUI keeps of the frames it has seen, with bounded memory.
 *
 * The analyzer keeps per-port timelines (one entry per change) and findings; it does not keep
 * frames. The detail view needs the bytes of the PDUs a user can reach: the cursor in the
 * timeline (any PDU, through `PduIndex`), the change points, and the evidence of findings.
 * So we keep:
 * - `PduIndex`: time and frame number of every LACPDU per port (14 bytes each, capped at
 *   `MAX_INDEXED` in all), which draws the PDU/gap lane and finds the PDU under the cursor;
 * - pinned DecodedFrames: every LACPDU where a port's actor or partner information changed
 *   (the timeline entries), every malformed or non-LACP slow frame, and the frames around a
 *   finding when it is raised; capped at `MAX_PINNED` (oldest dropped first);
 * - a ring of the `RECENT` most recent frames, so the latest PDUs of every port are reachable.
 * A PDU outside those is still drawn and counted; its detail says it was not kept.
 */
import { changesBetween } from '../analyze/analyzer.js';
import { portId } from '../analyze/bits.js';
import type { DecodedFrame, LacpPdu } from '../decode/pdu.js';

export const MAX_PINNED = 20_000;
export const RECENT = 2_048;
export const MAX_INDEXED = 2_000_000;

export function frameKey(source: string, frame: number): string {
  return `${source}#${frame}`;
}


/** Append-only per-port PDU times, in arrival order (the pipeline delivers frames in time order). */
/** The port id (`system/port`) a LACPDU comes from. */
export function actorPort(pdu: LacpPdu): string {
  return portId(pdu.actor.system, pdu.actor.port);
}

export class PduIndex {
  private readonly ports = new Map<string, { times: Float64Array; frames: Int32Array; sources: Uint16Array; length: number }>();
  private readonly sourceNames: string[] = [];
  private readonly sourceIds = new Map<string, number>();
  private total = 0;
  /** PDUs not indexed because the cap was reached. */
  dropped = 0;

  add(port: string, timeSec: number, source: string, frame: number): void {
    if (this.total >= MAX_INDEXED) {
      this.dropped++;
      return;
    }
    let src = this.sourceIds.get(source);
    if (src === undefined) {
      src = this.sourceNames.length;
      this.sourceNames.push(source);
      this.sourceIds.set(source, src);
    }
    let e = this.ports.get(port);
    if (!e) {
      e = { times: new Float64Array(64), frames: new Int32Array(64), sources: new Uint16Array(64), length: 0 };
      this.ports.set(port, e);
    }
    if (e.length === e.times.length) {
      const n = e.length * 2;
      const t = new Float64Array(n); t.set(e.times); e.times = t;
      const f = new Int32Array(n); f.set(e.frames); e.frames = f;
      const s = new Uint16Array(n); s.set(e.sources); e.sources = s;
    }
    e.times[e.length] = timeSec;
    e.frames[e.length] = frame;
    e.sources[e.length] = src;
    e.length++;
    this.total++;
  }

  count(port: string): number {
    return this.ports.get(port)?.length ?? 0;
  }

  /** Index of the first PDU of `port` at or after `t` (== count when none). */
  lowerBound(port: string, t: number): number {
    const e = this.ports.get(port);
    if (!e) return 0;
    let lo = 0, hi = e.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (e.times[mid] < t) lo = mid + 1; else hi = mid;
    }
    return lo;
  }

  at(port: string, i: number): { time: number; source: string; frame: number } | null {
    const e = this.ports.get(port);
    if (!e || i < 0 || i >= e.length) return null;
    return { time: e.times[i], source: this.sourceNames[e.sources[i]], frame: e.frames[i] };
  }

  /** Number of PDUs of `port` in [from, to). */
  countBetween(port: string, from: number, to: number): number {
    return this.lowerBound(port, to) - this.lowerBound(port, from);
  }

  /** The PDU of `port` nearest to `t`. */
  nearest(port: string, t: number): { time: number; source: string; frame: number } | null {
    const i = this.lowerBound(port, t);
    const after = this.at(port, i);
    const before = this.at(port, i - 1);
    if (!after) return before;
    if (!before) return after;
    return t - before.time <= after.time - t ? before : after;
  }

  /** The next PDU strictly after `t` (dir 1) or strictly before it (dir -1). */
  step(port: string, t: number, dir: 1 | -1): { time: number; source: string; frame: number } | null {
    if (dir === 1) {
      const e = this.ports.get(port);
      if (!e) return null;
      let i = this.lowerBound(port, t);
      while (i < e.length && e.times[i] <= t) i++;
      return this.at(port, i);
    }
    return this.at(port, this.lowerBound(port, t) - 1);
  }
}

/** Bounded store of DecodedFrames: pinned frames plus a ring of recent ones. */
export class FrameStore {
  private readonly pinned = new Map<string, DecodedFrame>();
  private readonly recent = new Map<string, DecodedFrame>();
  private readonly lastFrame = new Map<string, DecodedFrame>();
  private readonly sources = new Set<string>();
  /** Pinned frames dropped because the cap was reached. */
  evicted = 0;

  constructor(private readonly maxPinned = MAX_PINNED, private readonly recentSize = RECENT) {}

  /**
   * Record a frame. `changed` is the analyzer's word that it changed a port's timeline;
   * the store also pins frames whose actor or partner information differs from the port's last PDU.
   */
  add(d: DecodedFrame, changed: boolean): void {
    const key = frameKey(d.pdu.source, d.pdu.frame);
    this.sources.add(d.pdu.source);
    let pin = changed || d.pdu.subtype !== 'lacp' || d.pdu.problems.some((p) => p.severity === 'error');
    if (d.pdu.subtype === 'lacp') {
      const pdu = d.pdu as LacpPdu;
      const id = actorPort(pdu);
      const last = this.lastFrame.get(id)?.pdu as LacpPdu | undefined;
      if (!last || changesBetween(last, pdu).length > 0) pin = true;
      this.lastFrame.set(id, d);
    }
    if (pin) this.pin(key, d);
    this.recent.delete(key);
    this.recent.set(key, d);
    if (this.recent.size > this.recentSize) {
      const oldest = this.recent.keys().next().value as string;
      this.recent.delete(oldest);
    }
  }

  /** Keep the current and the previous PDU of a port (evidence of a finding just raised). */
  pinEvidence(d: DecodedFrame, previousOfPort: DecodedFrame | undefined): void {
    this.pin(frameKey(d.pdu.source, d.pdu.frame), d);
    if (previousOfPort) this.pin(frameKey(previousOfPort.pdu.source, previousOfPort.pdu.frame), previousOfPort);
  }

  /** The last LACPDU seen from a port (before the one being added, when called before `add`). */
  lastOfPort(port: string): DecodedFrame | undefined {
    return this.lastFrame.get(port);
  }

  private pin(key: string, d: DecodedFrame): void {
    if (this.pinned.has(key)) return;
    this.pinned.set(key, d);
    if (this.pinned.size > this.maxPinned) {
      const oldest = this.pinned.keys().next().value as string;
      this.pinned.delete(oldest);
      this.evicted++;
    }
  }

  get(key: string): DecodedFrame | undefined {
    return this.pinned.get(key) ?? this.recent.get(key);
  }

  /** Resolve a frame number when the source is not known (findings without `source`). */
  find(frame: number, source?: string): DecodedFrame | undefined {
    if (source !== undefined) return this.get(frameKey(source, frame));
    for (const s of this.sources) {
      const d = this.get(frameKey(s, frame));
      if (d) return d;
    }
    return undefined;
  }

  get size(): number {
    return this.pinned.size + this.recent.size;
  }
}
