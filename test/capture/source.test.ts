import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import type { Frame } from '../../src/capture/frame.js';
import { encodePcap, type PcapRecord } from '../../src/capture/pcap-writer.js';
import { createPcapReader } from '../../src/capture/pcap.js';
import { openCapture, READ_CHUNK, readCapture } from '../../src/capture/source.js';
import { ERROR_CODES, LacpscopeError } from '../../src/errors.js';
import { lacpFrame, otherFrame } from './blocks.js';
import { readSplit, summary } from './read.js';

const dir = mkdtempSync(join(tmpdir(), 'lacpscope-source-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const T0 = 1_700_000_000_000_000_000n;

function file(name: string, bytes: Uint8Array): string {
  const path = join(dir, name);
  writeFileSync(path, bytes);
  return path;
}

/** A few MiB of records, so that many records straddle read-chunk boundaries. */
function bigCapture(): Uint8Array {
  const records: PcapRecord[] = [];
  let size = 24;
  for (let i = 0; size < 3 * READ_CHUNK + 12345; i++) {
    const data = i % 7 === 3 ? lacpFrame(i % 4, i % 2 ? [{ id: 5 }] : []) : otherFrame(60 + ((i * 977) % 1455));
    records.push({ timeNs: T0 + BigInt(i) * 1000n, data });
    size += 16 + data.length;
  }
  return encodePcap(1, records);
}

async function collect(path: string, options = {}) {
  const frames: Frame[] = [];
  const stats = await readCapture(path, (f) => frames.push(f), options);
  return { frames, stats };
}

async function failure(p: Promise<unknown>): Promise<LacpscopeError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof LacpscopeError) return e;
    throw e;
  }
  throw new Error('expected a LacpscopeError');
}

describe('readCapture', () => {
  const big = bigCapture();
  const bigPath = file('big.pcap', big);
  const reference = readSplit(createPcapReader, big, [], 'big.pcap');

  it('streams a file larger than a read chunk with the same result as reading it whole', async () => {
    const { frames, stats } = await collect(bigPath);
    expect(summary(frames)).toEqual(summary(reference.frames));
    expect(stats).toEqual({ ...reference.stats, gzip: false });
    expect(frames.length).toBeGreaterThan(100);
  });

  it('reports progress up to the file size', async () => {
    const seen: [number, number | null][] = [];
    await collect(bigPath, { onProgress: (read: number, total: number | null) => seen.push([read, total]) });
    expect(seen.length).toBeGreaterThanOrEqual(4);
    expect(seen.every(([, total]) => total === big.length)).toBe(true);
    expect(seen.map(([read]) => read)).toEqual([...seen.map(([read]) => read)].sort((a, b) => a - b));
    expect(seen.at(-1)?.[0]).toBe(big.length);
  });

  it('un-gzips by content, whatever the name', async () => {
    const { frames, stats } = await collect(file('plain-name.pcap', gzipSync(big)));
    expect(summary(frames)).toEqual(summary(reference.frames).map((l) => l.replace(/^(\d+) big\.pcap/, '$1 plain-name.pcap')));
    expect(stats).toMatchObject({ gzip: true, format: 'pcap', frames: reference.stats.frames, bytes: big.length, truncated: null });
  });

  it('uses everything before the end of a cut gzip file and reports the cut', async () => {
    const gz = gzipSync(big);
    const { frames, stats } = await collect(file('cut.pcap.gz', gz.subarray(0, Math.floor(gz.length / 2))));
    expect(frames.length).toBeGreaterThan(0);
    expect(summary(frames)).toEqual(summary(reference.frames).slice(0, frames.length).map((l) => l.replace('big.pcap', 'cut.pcap.gz')));
    expect(stats.truncated?.offset).toBeGreaterThan(0);
  });

  it('rejects corrupt gzip data with GZIP_CORRUPT, naming the path', async () => {
    const gz = gzipSync(big);
    gz.fill(0x55, 100, 200);
    const path = file('corrupt.pcap.gz', gz);
    const e = await failure(collect(path));
    expect(e.code).toBe(ERROR_CODES.GZIP_CORRUPT);
    expect(e.file).toBe(path);
  });

  it('names the path as given in format errors, with the offset', async () => {
    const path = file('junk.bin', Uint8Array.from({ length: 100 }, (_, i) => i));
    const e = await failure(collect(path));
    expect(e).toMatchObject({ code: ERROR_CODES.UNKNOWN_FORMAT, file: path, offset: 0 });
    expect(e.toLine()).toBe(`lacpscope: ${path}: not a capture: expected a pcap or pcapng magic number, gzip, or tcpdump text (at byte offset 0) [LACPSCOPE_UNKNOWN_FORMAT]`);
    const empty = await failure(collect(file('empty.pcap', new Uint8Array(0))));
    expect(empty).toMatchObject({ code: ERROR_CODES.UNKNOWN_FORMAT, offset: 0, message: expect.stringContaining('empty') });
  });

  it('hands on every frame before a fatal record error', async () => {
    const bad = big.slice();
    // Corrupt the caplen of a record about 2.5 chunks in.
    let at = 24;
    let before = 0;
    for (; at < 2.5 * READ_CHUNK; before++) at += 16 + new DataView(bad.buffer).getUint32(at + 8, true);
    new DataView(bad.buffer).setUint32(at + 8, 0x7fffffff, true);
    const frames: Frame[] = [];
    const e = await failure(readCapture(file('bad-record.pcap', bad), (f) => frames.push(f)));
    expect(e).toMatchObject({ code: ERROR_CODES.PCAP_BAD_HEADER, offset: at });
    const expected = reference.frames.filter((f) => f.index <= before);
    expect(expected.length).toBeGreaterThan(100);
    expect(summary(frames)).toEqual(summary(expected).map((l) => l.replace('big.pcap', 'bad-record.pcap')));
  });

  it('turns file-system failures into IO errors naming the path', async () => {
    const missing = join(dir, 'missing.pcap');
    expect(await failure(collect(missing))).toMatchObject({ code: ERROR_CODES.IO, file: missing, message: 'cannot read: no such file' });
    const sub = join(dir, 'a-directory');
    mkdirSync(sub);
    expect(await failure(collect(sub))).toMatchObject({ code: ERROR_CODES.IO, file: sub, message: 'cannot read: is a directory' });
  });

  it('reads a named pipe given by path (one read at a time, no positions) like the file', async () => {
    const pipeDir = join(dir, 'fifo');
    mkdirSync(pipeDir);
    const fifo = join(pipeDir, 'big.pcap');
    execFileSync('mkfifo', [fifo]);
    // The writer's open waits for the reader's, and a pipe takes a few KiB at a time: short reads.
    const writing = writeFile(fifo, big);
    const { frames, stats } = await collect(fifo);
    await writing;
    expect(summary(frames)).toEqual(summary(reference.frames));
    expect(stats).toEqual({ ...reference.stats, gzip: false });
  });

  it('stops when aborted and resolves with the counts so far', async () => {
    const stop = new AbortController();
    const frames: Frame[] = [];
    const stats = await readCapture(bigPath, (f) => {
      frames.push(f);
      stop.abort();
    }, { signal: stop.signal });
    expect(frames.length).toBeGreaterThan(0);
    expect(frames.length).toBeLessThan(reference.frames.length);
    expect(stats.frames).toBeLessThan(reference.stats.frames);
  });
});

describe('standard input', () => {
  it('hands each frame on as soon as its bytes arrive, before the stream ends', async () => {
    const bytes = encodePcap(1, [{ timeNs: T0, data: lacpFrame(1) }, { timeNs: T0 + 1n, data: otherFrame(90) }, { timeNs: T0 + 2n, data: lacpFrame(2) }]);
    const stdin = new PassThrough();
    const frames: Frame[] = [];
    let arrived!: () => void;
    let wanted = 1;
    let signal = new Promise<void>((r) => (arrived = r));
    const done = readCapture('-', (f) => {
      frames.push(f);
      if (frames.length === wanted) arrived();
    }, { stdin });
    const first = 24 + 16 + 124;
    // The first record arrives in two pieces; the frame comes out once it is whole.
    stdin.write(bytes.subarray(0, 50));
    stdin.write(bytes.subarray(50, first));
    await signal;
    expect(frames.map((f) => f.index)).toEqual([1]);
    wanted = 2;
    signal = new Promise<void>((r) => (arrived = r));
    stdin.write(bytes.subarray(first));
    await signal;
    expect(frames.map((f) => f.index)).toEqual([1, 3]);
    stdin.end();
    const stats = await done;
    expect(stats).toMatchObject({ name: '-', frames: 3, slowFrames: 2, truncated: null });
    expect(frames.every((f) => f.source === '-' && f.interface === '-')).toBe(true);
  });

  it('un-gzips standard input', async () => {
    const bytes = encodePcap(1, [{ timeNs: T0, data: lacpFrame(1) }]);
    const stdin = new PassThrough();
    const gz = gzipSync(bytes);
    const frames: Frame[] = [];
    const done = readCapture('-', (f) => frames.push(f), { stdin });
    for (let i = 0; i < gz.length; i += 7) stdin.write(gz.subarray(i, i + 7));
    stdin.end();
    expect(await done).toMatchObject({ gzip: true, frames: 1, slowFrames: 1 });
    expect(frames[0].data).toEqual(lacpFrame(1));
  });
});

describe('openCapture', () => {
  it('yields the same frames as readCapture, with final counts after the last', async () => {
    const path = file('iter.pcap', bigCapture());
    const viaCallback = await collect(path);
    const source = openCapture(path);
    const frames: Frame[] = [];
    for await (const f of source) frames.push(f);
    expect(summary(frames)).toEqual(summary(viaCallback.frames));
    expect(source.stats).toEqual(viaCallback.stats);
    expect(source.name).toBe('iter.pcap');
  });

  it('yields the frames read before a fatal error, then throws it', async () => {
    const bytes = encodePcap(1, [{ timeNs: T0, data: lacpFrame(1) }, { timeNs: T0, data: lacpFrame(2) }]);
    const bad = new Uint8Array(bytes.length + 16);
    bad.set(bytes);
    new DataView(bad.buffer).setUint32(bytes.length + 8, 0xffffffff, true);
    const path = file('iter-bad.pcap', bad);
    const frames: Frame[] = [];
    const e = await failure((async () => {
      for await (const f of openCapture(path)) frames.push(f);
    })());
    expect(frames.map((f) => f.index)).toEqual([1, 2]);
    expect(e).toMatchObject({ code: ERROR_CODES.PCAP_BAD_HEADER, offset: bytes.length, file: path });
  });
});
