/** Runs a reader over bytes split at given points; collects frames, stats, or the fatal error. */
import { LacpscopeError } from '../../src/errors.js';
import type { CaptureReader, Frame, FrameSink, SourceStats } from '../../src/capture/frame.js';

export type ReaderFactory = (name: string, onFrame: FrameSink) => CaptureReader;

export interface ReadResult {
  frames: Frame[];
  stats: SourceStats;
  error: LacpscopeError | null;
}

/** `cuts`: offsets where one chunk ends and the next begins (any order, duplicates allowed). */
export function readSplit(make: ReaderFactory, bytes: Uint8Array, cuts: number[] = [], name = 'test.pcap'): ReadResult {
  const frames: Frame[] = [];
  const reader = make(name, (f) => frames.push(f));
  const points = [...new Set(cuts.map((c) => Math.max(0, Math.min(bytes.length, c))))].sort((a, b) => a - b);
  let error: LacpscopeError | null = null;
  try {
    let from = 0;
    for (const p of [...points, bytes.length]) {
      reader.push(bytes.subarray(from, p));
      from = p;
    }
    reader.end();
  } catch (e) {
    if (!(e instanceof LacpscopeError)) throw e;
    error = e;
  }
  return { frames, stats: reader.stats, error };
}

/** Compact, comparable view of frames (bytes as hex). */
export function summary(frames: Frame[]): string[] {
  return frames.map(
    (f) =>
      `${f.index} ${f.interface} ${f.timeNs} ${f.linkType} ${f.direction} ${f.capturedLength}/${f.originalLength} ${Buffer.from(f.data).toString('hex')}`,
  );
}
