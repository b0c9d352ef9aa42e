/**
 * The TUI's data side, outside React: consumes the feed, owns the analyzer and the bounded frame
 * store, and publishes immutable snapshots (report() walks every port's timeline and each publish
 * redraws the screen, so neither happens per frame). Components subscribe with useSyncExternalStore.
 *
 * Publishing is leading-edge: a change after a quiet spell is published at once, further changes
 * wait until `minIntervalMs` (or four times the last report's cost) after the previous publish.
 * Changes not worth a redraw of their own wait for the next one, at most REFRESH_MS.
 */
import type { SourceStats } from '../capture/frame.js';
import type { DecodedFrame, LacpPdu } from '../decode/pdu.js';
import type { AnalysisReport, Analyzer, AnalyzerEvent, Severity } from '../analyze/model.js';
import { changesBetween } from '../analyze/analyzer.js';
import type { FeedEvent } from './feed.js';
import { actorPort, FrameStore, PduIndex } from './frames.js';

export const RECENT_EVENTS = 200;

export interface Progress {
  bytesRead: number;
  totalBytes: number | null;
  frames: number;
  /** Frames read per second since loading started. */
  framesPerSec: number;
  /** Seconds left at the current byte rate, or null when unknown. */
  secondsLeft: number | null;
}

export interface RecentEvent {
  /** Capture time (epoch seconds). */
  time: number;
  severity: Severity | null;
  text: string;
}

export interface Snapshot {
  /** Bumped at every publish, so views can memoise on it. */
  version: number;
  report: AnalysisReport | null;
  /** True once the feed ended and the final report is in. */
  final: boolean;
  loading: boolean;
  progress: Progress | null;
  sources: SourceStats[];
  /** Slow frames received, LACPDUs among them, frames with an error-level problem. */
  counts: { slow: number; lacp: number; malformed: number };
  /** Earliest and latest frame time (epoch seconds), null before the first frame. */
  firstTime: number | null;
  lastTime: number | null;
  /** Wall-clock of the last live tick (epoch seconds), null offline. */
  now: number | null;
  recent: RecentEvent[];
  stopped: string | null;
  /** A feed failure, shown while the data so far is kept. */
  error: string | null;
  frames: FrameStore;
  pdus: PduIndex;
}

/**
 * Least time between publishes while loading files: the screen shows progress, not each frame,
 * and every redraw is time taken from reading.
 */
const LOAD_INTERVAL_MS = 250;
/**
 * Least time between publishes live, where each frame should be on screen at once (the two ends
 * of a link often send within a millisecond of each other): one screen at Ink's live rate.
 */
export const LIVE_FPS = 60;
export const LIVE_INTERVAL_MS = Math.ceil(1000 / LIVE_FPS);
/**
 * Clock ticks without a new finding (open findings' durations follow the clock) and readers'
 * counts are shown at least this often, and otherwise with the next redraw.
 */
const REFRESH_MS = 1000;

export interface StoreOptions {
  analyzer: Analyzer;
  /** Least time between two publishes (LOAD_INTERVAL_MS by default). */
  minIntervalMs?: number;
  /** Clock for throttling and rates (tests pass a fake). */
  clock?: () => number;
}

export class TuiStore {
  private readonly analyzer: Analyzer;
  private readonly minIntervalMs: number;
  private readonly clock: () => number;
  private readonly listeners = new Set<() => void>();
  private readonly frames = new FrameStore();
  private readonly pdus = new PduIndex();
  private readonly sources = new Map<string, SourceStats>();
  private readonly recent: RecentEvent[] = [];
  private counts = { slow: 0, lacp: 0, malformed: 0 };
  private firstTime: number | null = null;
  private lastTime: number | null = null;
  private now: number | null = null;
  private progress: Progress | null = null;
  private progressStart: { at: number; bytes: number; frames: number } | null = null;
  private ended = false;
  private stopped: string | null = null;
  private error: string | null = null;
  private dirty = false;
  private lastPublish = -Infinity;
  private reportCost = 0;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private snap: Snapshot;

  constructor(options: StoreOptions) {
    this.analyzer = options.analyzer;
    this.minIntervalMs = options.minIntervalMs ?? LOAD_INTERVAL_MS;
    this.clock = options.clock ?? (() => performance.now());
    this.snap = this.build(null, false, 0);
  }

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  getSnapshot = (): Snapshot => this.snap;

  /** Apply one feed event; publishing is throttled. */
  handle(ev: FeedEvent): void {
    switch (ev.kind) {
      case 'frame':
        this.onFrame(ev.decoded);
        break;
      case 'source':
        this.sources.set(ev.stats.name, ev.stats);
        this.analyzer.setSourceStats(ev.stats);
        if (this.refreshedLately()) return;
        break;
      case 'progress':
        this.onProgress(ev.bytesRead, ev.totalBytes, ev.frames);
        break;
      case 'tick': {
        this.now = ev.nowSec;
        const events = this.analyzer.tick(ev.nowSec);
        this.noteEvents(events, ev.nowSec);
        // A redraw for the clock alone would make a frame arriving meanwhile wait its turn.
        if (!events.length && this.refreshedLately()) return;
        break;
      }
      case 'end':
        this.ended = true;
        this.publish();
        return;
      case 'stopped':
        this.stopped = ev.message;
        this.publish();
        return;
    }
    this.dirty = true;
    this.schedule();
  }

  /**
   * Drain a feed; yields to the event loop regularly so input and rendering keep up. When
   * `signal` aborts (the user quit), the feed's iterator is closed so its producer can clean up.
   */
  async consume(feed: AsyncIterable<FeedEvent>, signal?: AbortSignal): Promise<void> {
    const it = feed[Symbol.asyncIterator]();
    const close = () => void it.return?.()?.catch(() => {});
    signal?.addEventListener('abort', close, { once: true });
    let sliceStart = this.clock();
    try {
      for (;;) {
        const next = await it.next();
        if (next.done || signal?.aborted) break;
        this.handle(next.value);
        if (this.clock() - sliceStart > 30) {
          await new Promise<void>((resolve) => setImmediate(resolve));
          sliceStart = this.clock();
        }
      }
      if (!this.ended && !signal?.aborted) this.handle({ kind: 'end' });
    } catch (err) {
      if (signal?.aborted) return;
      this.error = err instanceof Error ? ((err as { toLine?: () => string }).toLine?.() ?? err.message) : String(err);
      this.ended = true;
      this.publish();
    } finally {
      signal?.removeEventListener('abort', close);
    }
  }

  /** Publish now (used at the end and by tests). */
  flush(): void {
    this.publish();
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.listeners.clear();
  }

  private onFrame(d: DecodedFrame): void {
    const pdu = d.pdu;
    const t = Number(pdu.time);
    if (this.firstTime === null || t < this.firstTime) this.firstTime = t;
    if (this.lastTime === null || t > this.lastTime) this.lastTime = t;
    this.counts.slow++;
    if (pdu.problems.some((p) => p.severity === 'error')) this.counts.malformed++;
    let id: string | null = null;
    let previous: DecodedFrame | undefined;
    if (pdu.subtype === 'lacp') {
      this.counts.lacp++;
      id = actorPort(pdu);
      previous = this.frames.lastOfPort(id);
      this.pdus.add(id, t, pdu.source, pdu.frame);
    }
    const events = this.analyzer.push(pdu);
    this.frames.add(d, events.some((e) => e.kind === 'port-changed'));
    if (events.some((e) => e.kind === 'finding')) this.frames.pinEvidence(d, previous);
    const what = previous && pdu.subtype === 'lacp' ? changesBetween(previous.pdu as LacpPdu, pdu).join(' ') : 'first LACPDU';
    this.noteEvents(events, t, what);
  }

  private noteEvents(events: AnalyzerEvent[], time: number, changes = ''): void {
    for (const e of events) {
      if (e.kind === 'finding') {
        this.recent.push({ time: Number(e.finding.time) || time, severity: e.finding.severity, text: `${e.finding.code}: ${e.finding.message}` });
      } else {
        this.recent.push({ time: Number(e.time) || time, severity: null, text: `${e.port}: ${changes || 'changed'}` });
      }
    }
    if (this.recent.length > RECENT_EVENTS) this.recent.splice(0, this.recent.length - RECENT_EVENTS);
  }

  private onProgress(bytesRead: number, totalBytes: number | null, frames: number): void {
    const at = this.clock();
    if (!this.progressStart) this.progressStart = { at, bytes: bytesRead, frames };
    const secs = (at - this.progressStart.at) / 1000;
    const byteRate = secs > 0 ? (bytesRead - this.progressStart.bytes) / secs : 0;
    this.progress = {
      bytesRead,
      totalBytes,
      frames,
      framesPerSec: secs > 0 ? (frames - this.progressStart.frames) / secs : 0,
      secondsLeft: totalBytes !== null && byteRate > 0 ? Math.max(0, (totalBytes - bytesRead) / byteRate) : null,
    };
  }

  private schedule(): void {
    if (this.timer) return;
    // Reports get dearer as timelines grow: keep report() under about a fifth of the time.
    const interval = Math.max(this.minIntervalMs, this.reportCost * 4);
    const wait = Math.max(0, this.lastPublish + interval - this.clock());
    this.timer = setTimeout(() => {
      this.timer = null;
      if (this.dirty) this.publish();
    }, wait);
  }

  private publish(): void {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    const started = this.clock();
    const report = this.analyzer.report({ final: this.ended });
    this.reportCost = this.clock() - started;
    this.lastPublish = this.clock();
    this.dirty = false;
    this.snap = this.build(report, this.ended, this.snap.version + 1);
    for (const l of this.listeners) l();
  }

  /** Whether the screen was redrawn less than REFRESH_MS ago. */
  private refreshedLately(): boolean {
    return this.clock() - this.lastPublish < REFRESH_MS;
  }

  private build(report: AnalysisReport | null, final: boolean, version: number): Snapshot {
    return {
      version,
      report,
      final,
      loading: !this.ended && !this.stopped,
      progress: this.progress,
      sources: [...this.sources.values()],
      counts: { ...this.counts },
      firstTime: this.firstTime,
      lastTime: this.lastTime,
      now: this.now,
      recent: this.recent.slice(),
      stopped: this.stopped,
      error: this.error,
      frames: this.frames,
      pdus: this.pdus,
    };
  }
}
