/** Shared by the live tests: reading captures with the project's readers, latency figures. */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Frame } from '../../src/capture/frame.js';
import { writePcap } from '../../src/capture/pcap-writer.js';
import { createPcapReader } from '../../src/capture/pcap.js';
import { createPcapngReader } from '../../src/capture/pcapng.js';

/** A committed lab capture (captures/lab/SCENARIO/FILE), as a path. */
export function labCapture(scenario: string, file: string): string {
  return fileURLToPath(new URL(`../../captures/lab/${scenario}/${file}`, import.meta.url));
}

export function readFrames(path: string): Frame[] {
  const bytes = readFileSync(path);
  const frames: Frame[] = [];
  const isNg = bytes.readUInt32BE(0) === 0x0a0d0d0a;
  const reader = (isNg ? createPcapngReader : createPcapReader)(path, (f) => frames.push(f));
  reader.push(bytes);
  reader.end();
  return frames;
}

export const hex = (b: Uint8Array): string => Buffer.from(b.buffer, b.byteOffset, b.length).toString('hex');

/** Median, 95th percentile and largest of a list of milliseconds. */
export function latencyFigures(ms: number[]): { n: number; median: number; p95: number; max: number } {
  const s = [...ms].sort((a, b) => a - b);
  const at = (q: number) => s[Math.min(s.length - 1, Math.floor(q * s.length))];
  return { n: s.length, median: at(0.5), p95: at(0.95), max: s[s.length - 1] };
}

/** The project root (tests run the real binary from there). */
export const projectRoot = fileURLToPath(new URL('../../', import.meta.url));

/**
 * The end-to-end tests run bin/lacpscope.js, which loads dist/. `npm test` builds first; a run
 * of these files alone builds when dist/ is missing or older than src/.
 */
export function ensureBuilt(): void {
  const main = join(projectRoot, 'dist/cli/main.js');
  const newest = (d: string): number =>
    readdirSync(d, { withFileTypes: true }).reduce((m, e) => Math.max(m, e.isDirectory() ? newest(join(d, e.name)) : statSync(join(d, e.name)).mtimeMs), 0);
  if (existsSync(main) && statSync(main).mtimeMs >= newest(join(projectRoot, 'src'))) return;
  execFileSync('npx', ['tsc', '-p', 'tsconfig.json'], { cwd: projectRoot, stdio: ['ignore', 'ignore', 'pipe'] });
}

/** The frames of `path` up to `seconds` after its first, as a pcap to replay. */
export function trimCapture(path: string, seconds: number, out: string): Frame[] {
  const frames = readFrames(path);
  const end = frames[0].timeNs + BigInt(Math.round(seconds * 1e9));
  const kept = frames.filter((f) => f.timeNs <= end);
  writePcap(out, kept[0].linkType, kept.map((f) => ({ timeNs: f.timeNs, data: f.data, originalLength: f.originalLength })), { nanosecond: true });
  return kept;
}
