/**
 * Real captures (the public ones, read in place, and fixtures made with editcap/mergecap) read
 * with readCapture: the frame count, and for every Slow Protocols frame its number, exact
 * timestamp and lengths, equal tshark's listing kept next to them (made by the make.sh there).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatTimeNs, type Frame } from '../../src/capture/frame.js';
import { readCapture } from '../../src/capture/source.js';

const ROOT = join(import.meta.dirname, '../..');
const PUBLIC = join(ROOT, '../shared/captures/public');
const PUBLIC_GOLDEN = join(import.meta.dirname, 'golden');
const GENERATED = join(ROOT, 'captures/generated/capture');

function listings(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.tshark.tsv'))
    .sort();
}

interface Row {
  index: number;
  time: string;
  len: number;
  capLen: number;
}

function parseListing(path: string): { total: number; slow: Row[] } {
  const lines = readFileSync(path, 'utf8').split('\n').filter((l) => l !== '');
  const slow = lines
    .map((l) => l.split('\t'))
    .filter((c) => (c[4] ?? '') !== '')
    .map((c) => ({ index: Number(c[0]), time: c[1], len: Number(c[2]), capLen: Number(c[3]) }));
  return { total: lines.length, slow };
}

async function compare(capture: string, listing: string) {
  const frames: Frame[] = [];
  const stats = await readCapture(capture, (f) => frames.push(f));
  const expected = parseListing(listing);
  expect(stats.frames).toBe(expected.total);
  expect(stats.truncated).toBeNull();
  expect(frames.map((f) => ({ index: f.index, time: formatTimeNs(f.timeNs), len: f.originalLength, capLen: f.capturedLength }))).toEqual(expected.slow);
  expect(stats.slowFrames).toBe(expected.slow.length);
  expect(stats.snapCut).toBe(expected.slow.filter((r) => r.capLen < r.len).length);
  return { frames, stats };
}

describe.skipIf(!existsSync(PUBLIC))('public captures agree with tshark (needs ../shared)', () => {
  for (const listing of listings(PUBLIC_GOLDEN)) {
    const capture = listing.replace(/\.tshark\.tsv$/, '');
    it(capture, async () => {
      const { stats } = await compare(join(PUBLIC, capture), join(PUBLIC_GOLDEN, listing));
      expect(stats.gzip).toBe(capture.endsWith('.gz'));
      expect(stats.format).toBe(capture.includes('.pcapng') ? 'pcapng' : 'pcap');
    });
  }
});

describe('generated fixtures agree with tshark', () => {
  const all = listings(GENERATED);
  it('are all there', () => {
    expect(all.length).toBeGreaterThanOrEqual(6);
  });
  for (const listing of all) {
    const capture = listing.replace(/\.tshark\.tsv$/, '');
    it(capture, async () => {
      const { frames } = await compare(join(GENERATED, capture), join(GENERATED, listing));
      expect(frames.every((f) => f.source === capture)).toBe(true);
    });
  }

  it('names the interfaces of a multi-interface pcapng after the file, numbering the second', async () => {
    const frames: Frame[] = [];
    await readCapture(join(GENERATED, 'two-interfaces.pcapng'), (f) => frames.push(f));
    // LACP.pcap (20 frames, 2009) became interface 0, only_lacp.pcap (26 frames, 2017) interface 1.
    expect(frames.slice(0, 20).every((f) => f.interface === 'two-interfaces.pcapng')).toBe(true);
    expect(frames.slice(20).every((f) => f.interface === 'two-interfaces.pcapng#1')).toBe(true);
    expect(frames).toHaveLength(46);
  });

});
