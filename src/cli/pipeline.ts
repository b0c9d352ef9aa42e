/**
 * The one path from inputs to results shared by `decode`, `analyze`, the TUI and standard input:
 * read every input (openCapture), merge by time (mergeByTime), decode (decodeFrame), and hand the
 * decoded frames to a printer, to the analyzer, or to the TUI as a FeedEvent stream.
 */
import type { Frame, SourceStats } from '../capture/frame.js';
import { DEFAULT_REORDER_WINDOW_NS, mergeByTime, reorderWindow } from '../capture/merge.js';
import { openCapture, type CaptureSource } from '../capture/source.js';
import { decodeFrame } from '../decode/decode.js';
import type { DecodedFrame } from '../decode/pdu.js';
import type { AnalyzerOptions } from '../analyze/thresholds.js';
import type { AnalysisReport } from '../analyze/model.js';
import type { FeedEvent } from '../tui/feed.js';
import { errorLine } from './io.js';
import { AsyncQueue } from './queue.js';

export interface Progress {
  bytesRead: number;
  totalBytes: number | null;
  /** Frames read so far over all inputs, Slow Protocols or not. */
  frames: number;
}

export interface ReadOptions {
  /** Date for tcpdump text stamped with the time of day only (YYYY-MM-DD). */
  date?: string;
  signal?: AbortSignal;
  /**
   * `file`: a single input's frames in file order as soon as each is read (decode; frame numbers
   * ascend as in Wireshark). `time` (default): every input merged by timestamp, with the merge's
   * reorder window inside each input, as the analyzer needs.
   */
  order?: 'file' | 'time';
  /** Reorder window for the merge; 0n passes each frame on at once (a live stream). */
  windowNs?: bigint;
  /** Bytes read over all inputs, called as reading goes on. */
  onProgress?: (progress: Progress) => void;
  /** A source's final counts, as soon as that source ends. */
  onSource?: (stats: SourceStats) => void;
}

/** Standard input is a stream: its size is unknown and its frames may be arriving live. */
export function isStream(path: string): boolean {
  return path === '-';
}

/** Sums per-input progress into one figure over all inputs. */
function progressTracker(sources: readonly Pick<CaptureSource, 'stats'>[], count: number, report: ((p: Progress) => void) | undefined) {
  const read = new Array<number>(count).fill(0);
  const total = new Array<number | null>(count).fill(null);
  return (i: number) => (bytesRead: number, totalBytes: number | null) => {
    read[i] = bytesRead;
    total[i] = totalBytes;
    if (!report) return;
    const all = total.every((t) => t !== null) ? total.reduce<number>((a, b) => a + (b ?? 0), 0) : null;
    report({ bytesRead: read.reduce((a, b) => a + b, 0), totalBytes: all, frames: sources.reduce((n, s) => n + s.stats.frames, 0) });
  };
}

/**
 * Reads every input to its end, handing each decoded Slow Protocols frame to `onDecoded` as soon
 * as the chunk holding it is read. Resolves with each input's counts, in argument order; rejects
 * with the first fatal input error (a LacpscopeError naming the file and offset) after every
 * frame read before it was handed on.
 */
export async function readInputs(paths: readonly string[], onDecoded: (d: DecodedFrame) => void, options: ReadOptions = {}): Promise<SourceStats[]> {
  // Pull streams: an input is read only as fast as its frames are taken, so several inputs hold
  // no more than a chunk each, and a failing input stops the whole read where it failed.
  const sources: CaptureSource[] = [];
  const track = progressTracker(sources, paths.length, options.onProgress);
  for (const [i, p] of paths.entries()) sources.push(openCapture(p, { date: options.date, signal: options.signal, onProgress: track(i) }));
  if (sources.length === 1) return [await readOne(sources[0], onDecoded, options)];
  const ended = sources.map(async function* (source) {
    yield* source;
    options.onSource?.(source.stats);
  });
  const frames = options.order === 'file' && ended.length === 1 ? ended[0] : mergeByTime(ended, options.windowNs);
  for await (const frame of frames) onDecoded(decodeFrame(frame));
  return sources.map((s) => s.stats);
}

/**
 * A single input needs no merge: each frame is decoded as the reader finds it, in file order or
 * through the same reorder window, with no async step per frame (on a large capture those steps
 * cost more than the decoding).
 */
async function readOne(source: CaptureSource, onDecoded: (d: DecodedFrame) => void, options: ReadOptions): Promise<SourceStats> {
  const handOn = (frame: Frame) => onDecoded(decodeFrame(frame));
  const window = options.order === 'file' ? null : reorderWindow(options.windowNs ?? DEFAULT_REORDER_WINDOW_NS, handOn);
  try {
    await source.drain(window ? window.push : handOn);
  } finally {
    // On a failure too: what was read before it is handed on, in order, before the error.
    window?.flush();
  }
  options.onSource?.(source.stats);
  return source.stats;
}

export interface AnalyzeOptions extends ReadOptions {
  analyzer?: AnalyzerOptions;
}

/** Every input through the analyzer: the final report and each input's counts. */
export async function analyzeInputs(paths: readonly string[], options: AnalyzeOptions = {}): Promise<{ report: AnalysisReport; stats: SourceStats[] }> {
  // Loaded here rather than at the top so that `decode` never loads the analyzer.
  const { createAnalyzer } = await import('../analyze/analyzer.js');
  const analyzer = createAnalyzer(options.analyzer);
  const stats = await readInputs(paths, (d) => analyzer.push(d.pdu), {
    ...options,
    order: 'time',
    onSource: (s) => {
      analyzer.setSourceStats(s);
      options.onSource?.(s);
    },
  });
  return { report: analyzer.report({ final: true }), stats };
}

export interface FeedOptions extends ReadOptions {
  /** How often the clock ticks while a stream input is open, in ms. */
  tickMs?: number;
  /** Wall clock in epoch ms (tests replace it). */
  now?: () => number;
}

export interface Feed {
  events: AsyncIterable<FeedEvent>;
  /** Each input's counts; rejects with the input error that stopped the feed. */
  done: Promise<SourceStats[]>;
}

/** Clock ticks on a stream: often enough that a silent partner is flagged within a fraction of a second. */
const STREAM_TICK_MS = 250;

/** At most one progress event per this many ms: the TUI redraws per event. */
const PROGRESS_EVERY_MS = 100;

/**
 * The TUI's event stream for files and standard input: frames as decoded, throttled progress,
 * each source's counts, and `end`; a fatal input error becomes `stopped` (the TUI keeps what it
 * has) and rejects `done`. While standard input is open the clock ticks, so a partner that falls
 * silent on a live pipe is seen without waiting for its next frame.
 */
export function createFeed(paths: readonly string[], options: FeedOptions = {}): Feed {
  const queue = new AsyncQueue<FeedEvent>();
  const now = options.now ?? Date.now;
  let lastProgress = -Infinity;
  let latest: Progress | null = null;
  const flushProgress = () => {
    if (latest) queue.push({ kind: 'progress', bytesRead: latest.bytesRead, totalBytes: latest.totalBytes, frames: latest.frames });
    lastProgress = now();
  };

  const stream = paths.some(isStream);
  const clock = stream ? streamClock(now) : null;
  const timer = clock ? setInterval(() => {
    const t = clock.read();
    if (t !== null) queue.push({ kind: 'tick', nowSec: t });
  }, options.tickMs ?? STREAM_TICK_MS) : null;
  timer?.unref();

  const done = readInputs(
    paths,
    (decoded) => {
      clock?.saw(decoded.pdu.time);
      queue.push({ kind: 'frame', decoded });
    },
    {
      ...options,
      // A live pipe must not wait for a reorder window to fill before a frame is shown.
      windowNs: stream ? 0n : options.windowNs,
      onProgress: (p) => {
        latest = p;
        if (now() - lastProgress >= PROGRESS_EVERY_MS) flushProgress();
        options.onProgress?.(p);
      },
      onSource: (s) => {
        queue.push({ kind: 'source', stats: s });
        options.onSource?.(s);
      },
    },
  ).then(
    (stats) => {
      if (timer) clearInterval(timer);
      flushProgress();
      queue.push({ kind: 'end' });
      queue.end();
      return stats;
    },
    (error: unknown) => {
      if (timer) clearInterval(timer);
      queue.push({ kind: 'stopped', message: errorLine(error) });
      queue.end();
      throw error;
    },
  );
  done.catch(() => undefined);
  return { events: queue, done };
}

/**
 * Capture time on a stream, advanced by the wall clock since the newest frame: equal to the wall
 * clock on a live pipe, and never racing ahead of an old capture replayed through `cat`.
 */
export function streamClock(now: () => number) {
  let frameSec: number | null = null;
  let wallAt = 0;
  return {
    saw(time: string) {
      const t = Number(time);
      if (frameSec === null || t >= frameSec) {
        frameSec = t;
        wallAt = now();
      }
    },
    read(): number | null {
      return frameSec === null ? null : frameSec + (now() - wallAt) / 1000;
    },
  };
}
