/** Helpers for the tcpdump-text tests: read text and binary captures, describe tcpdump flag sets. */
import { existsSync } from 'node:fs';
import { ERROR_CODES, LacpscopeError } from '../../src/errors.js';
import { type Frame, type SourceStats } from '../../src/capture/frame.js';
import { readCapture } from '../../src/capture/source.js';
import { createTcpdumpTextReader, type TcpdumpTextOptions } from '../../src/capture/tcpdump-text.js';

export const GOLDEN_DIR = 'test/golden/text';
export const SHARED = '../shared/captures/public';
export const sharedPresent = existsSync(SHARED);

export interface Read {
  frames: Frame[];
  stats: SourceStats;
  /** The text held no tcpdump packet line, so the reader refused it as not a capture. */
  rejected?: boolean;
}

/** Reads tcpdump text given as bytes, fed in the chunks `cuts` (offsets) make. */
export function readText(bytes: Uint8Array, options: TcpdumpTextOptions = {}, cuts: number[] = [], name = 'text'): Read {
  const frames: Frame[] = [];
  const r = createTcpdumpTextReader(name, (f) => frames.push(f), options);
  let at = 0;
  for (const c of [...cuts].sort((a, b) => a - b)) {
    if (c <= at || c >= bytes.length) continue;
    r.push(bytes.subarray(at, c));
    at = c;
  }
  r.push(bytes.subarray(at));
  try {
    r.end();
  } catch (e) {
    // The one fatal outcome allowed: no packet line at all, reported at offset 0.
    if (e instanceof LacpscopeError && e.code === ERROR_CODES.UNKNOWN_FORMAT && e.offset === 0 && r.stats.frames === 0) {
      return { frames, stats: r.stats, rejected: true };
    }
    throw e;
  }
  return { frames, stats: r.stats };
}

export async function readBinary(path: string): Promise<Read> {
  const frames: Frame[] = [];
  const stats = await readCapture(path, (f) => frames.push(f));
  return { frames, stats };
}

export type TimeStyle = 'clock' | 'none' | 'epoch' | 'delta' | 'date' | 'deltaFirst';

/** What a tcpdump command line makes it print. */
export interface Flags {
  verbose: number;
  linkHeader: boolean;
  /** -x/-X dump from the payload on, -xx/-XX the whole frame. */
  hex: 'none' | 'payload' | 'full';
  time: TimeStyle;
}

export function parseFlags(flags: string): Flags {
  const words = flags.split(/\s+/).filter(Boolean);
  const f: Flags = { verbose: 0, linkHeader: false, hex: 'none', time: 'clock' };
  for (const w of words) {
    if (w === '-v') f.verbose = Math.max(f.verbose, 1);
    else if (w === '-vv') f.verbose = 2;
    else if (w === '-e') f.linkHeader = true;
    else if (w === '-x' || w === '-X') f.hex = 'payload';
    else if (w === '-xx' || w === '-XX') f.hex = 'full';
    else if (/^-t{1,5}$/.test(w)) f.time = (['none', 'epoch', 'delta', 'date', 'deltaFirst'] as const)[w.length - 2];
  }
  return f;
}

/** The UTC date (YYYY-MM-DD) of a nanosecond time stamp. */
export function utcDate(ns: bigint): string {
  return new Date(Number(ns / 1_000_000n)).toISOString().slice(0, 10);
}

export function hex(b: Uint8Array): string {
  return Buffer.from(b).toString('hex');
}
