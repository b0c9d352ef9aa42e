/** Shared by the live tests: reading captures with the project's readers, latency figures. */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Frame } from '../../src/capture/frame.js';
import { writePcap } from '../../src/capture/pcap-writer.js';
import { decodeFrame } from '../../src/decode/decode.js';
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

/** The end-to-end tests run bin/lacpscope.js, which loads dist/: the same build check as the CLI tests. */
export { ensureBuilt } from '../cli/support.js';

/** Actor system of a LACPDU frame. */
export function actorSystem(f: Frame): string | null {
  const pdu = decodeFrame(f).pdu;
  return pdu.subtype === 'lacp' ? pdu.actor.system : null;
}

/**
 * A capture cut for a silence test: every frame up to `marginSec` after the moment the first
 * system fell silent (its last LACPDU), written as a pcap to replay. After the cut every port is
 * silent at once, so only the clock can reveal it. Returns the frames kept and each system's
 * last frame among them.
 */
export function cutAtFirstSilence(path: string, out: string, marginSec = 0.5, maxSec = 15): { sent: Frame[]; lastOf: Map<string, Frame> } {
  const frames = readFrames(path);
  const lastAll = new Map<string, Frame>();
  for (const f of frames) {
    const sys = actorSystem(f);
    if (sys) lastAll.set(sys, f);
  }
  // Bounded, so that the replay (at the capture's own pace) keeps the test short.
  const silentAt = Math.min(Number(frames[0].timeNs / 1000n) + maxSec * 1e6, ...[...lastAll.values()].map((f) => Number(f.timeNs / 1000n)));
  const end = BigInt(silentAt) * 1000n + BigInt(Math.round(marginSec * 1e9));
  const sent = frames.filter((f) => f.timeNs <= end);
  const lastOf = new Map<string, Frame>();
  for (const f of sent) {
    const sys = actorSystem(f);
    if (sys) lastOf.set(sys, f);
  }
  writePcap(out, sent[0].linkType, sent.map((f) => ({ timeNs: f.timeNs, data: f.data, originalLength: f.originalLength })), { nanosecond: true });
  return { sent, lastOf };
}

/** Polls `cond` every 20 ms; fails with `why()` after `ms`. */
export async function until(cond: () => boolean, ms: number, why: () => string = () => `condition not met within ${ms} ms`): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(why());
    await new Promise((r) => setTimeout(r, 20));
  }
}

export interface Line {
  text: string;
  /** Wall clock (ms) when the line was read. */
  atMs: number;
}

/** Runs a command off a terminal, collecting its stdout lines with their arrival time and its stderr. */
export function spawnLines(command: string, args: string[]) {
  const child = spawn(command, args, { cwd: projectRoot, stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: Line[] = [];
  const out = { lines, stderr: '', child, exited: new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code))) };
  let tail = '';
  child.stdout.on('data', (c: Buffer) => {
    const atMs = Date.now();
    const parts = (tail + c.toString()).split('\n');
    tail = parts.pop() ?? '';
    for (const text of parts) lines.push({ text, atMs });
  });
  child.stderr.on('data', (c: Buffer) => (out.stderr += c.toString()));
  return out;
}
