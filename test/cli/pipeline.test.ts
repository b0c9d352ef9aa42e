/** The shared pipeline in process: the TUI's feed, the stream clock, the push-to-pull queue. */
import { statSync, writeFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { LINKTYPE } from '../../src/capture/frame.js';
import { encodePcap } from '../../src/capture/pcap-writer.js';
import { createFeed, readInputs, streamClock } from '../../src/cli/pipeline.js';
import { AsyncQueue } from '../../src/cli/queue.js';
import type { FeedEvent } from '../../src/tui/feed.js';
import { ACTOR, PARTNER, eth, lacp, timeOf } from '../support/generator.js';
import { removeScratch, scratch } from './support.js';

afterAll(removeScratch);

async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const v of it) out.push(v);
  return out;
}

/** An IPv4 frame: counted as read, never handed on. */
const OTHER = Uint8Array.from([...Array(12).fill(2), 0x08, 0x00, ...Array(46).fill(0)]);

/** A pcap of `n` LACPDUs, alternating between the two ends of a link, each followed by `other` IPv4 frames. */
function capture(name: string, n: number, offsetSec = 0, other = 0): string {
  const frames = Array.from({ length: n }, (_, i) => [
    { timeNs: timeOf(i * 2 + offsetSec), data: eth(i % 2 ? lacp({ actor: PARTNER, partner: ACTOR }) : lacp()) },
    ...Array.from({ length: other }, () => ({ timeNs: timeOf(i * 2 + offsetSec), data: OTHER })),
  ]).flat();
  const path = scratch(name);
  writeFileSync(path, encodePcap(LINKTYPE.ETHERNET, frames));
  return path;
}

describe('createFeed', () => {
  it('hands on every frame in time order, the source counts, progress to the last byte, then end', async () => {
    const a = capture('feed-a.pcap', 6, 0, 2);
    const b = capture('feed-b.pcap', 4, 1);
    const feed = createFeed([a, b]);
    const events = await collect(feed.events);
    const frames = events.filter((e): e is Extract<FeedEvent, { kind: 'frame' }> => e.kind === 'frame');
    expect(frames).toHaveLength(10);
    const times = frames.map((f) => f.decoded.pdu.time);
    expect(times).toEqual([...times].sort());
    expect(new Set(frames.map((f) => f.decoded.pdu.source))).toEqual(new Set(['feed-a.pcap', 'feed-b.pcap']));
    const sources = events.filter((e) => e.kind === 'source');
    expect(sources.map((s) => s.kind === 'source' && [s.stats.name, s.stats.slowFrames]).sort()).toEqual([
      ['feed-a.pcap', 6],
      ['feed-b.pcap', 4],
    ]);
    const progress = events.filter((e) => e.kind === 'progress').at(-1);
    // Progress counts every frame read (6 + 12 IPv4 in a, 4 in b); only the 10 LACPDUs are handed on.
    expect(progress).toEqual({ kind: 'progress', bytesRead: statSync(a).size + statSync(b).size, totalBytes: statSync(a).size + statSync(b).size, frames: 22 });
    expect(events.at(-1)).toEqual({ kind: 'end' });
    expect((await feed.done).map((s) => [s.frames, s.slowFrames])).toEqual([
      [18, 6],
      [4, 4],
    ]);
  });

  it('an unreadable input stops the feed with the error line and rejects done', async () => {
    const bad = scratch('feed-bad.bin');
    writeFileSync(bad, Buffer.from([0x0d, 0x0a, 0x00, 0x00, ...Array(60).fill(0x55)]));
    const feed = createFeed([bad]);
    const events = await collect(feed.events);
    const last = events.at(-1);
    expect(last?.kind).toBe('stopped');
    expect(last?.kind === 'stopped' && last.message).toMatch(/^lacpscope: .*feed-bad\.bin.*byte offset \d+/);
    await expect(feed.done).rejects.toThrow();
  });
});

describe('readInputs', () => {
  it('in file order, a single input is handed on as read, with frame numbers ascending', async () => {
    const path = capture('order.pcap', 5);
    const seen: number[] = [];
    const stats = await readInputs([path], (d) => seen.push(d.pdu.frame), { order: 'file' });
    expect(seen).toEqual([1, 2, 3, 4, 5]);
    expect(stats[0]).toMatchObject({ name: 'order.pcap', frames: 5, slowFrames: 5, truncated: null });
  });
});

describe('streamClock', () => {
  it('follows the newest frame, advanced by the wall clock since it arrived', () => {
    let wall = 1_000;
    const clock = streamClock(() => wall);
    expect(clock.read()).toBeNull();
    clock.saw('100.500000000');
    wall = 3_500;
    expect(clock.read()).toBeCloseTo(103, 6);
    // An older frame (a late one in the stream) does not move the clock back.
    clock.saw('90.000000000');
    expect(clock.read()).toBeCloseTo(103, 6);
    clock.saw('104.000000000');
    expect(clock.read()).toBeCloseTo(104, 6);
  });
});

describe('AsyncQueue', () => {
  it('delivers values pushed before and while the consumer waits, in order', async () => {
    const q = new AsyncQueue<number>();
    q.push(1);
    const done = collect(q);
    q.push(2);
    await new Promise((r) => setTimeout(r, 5));
    q.push(3);
    q.end();
    q.push(4); // after the end: ignored
    expect(await done).toEqual([1, 2, 3]);
  });

  it('a failure arrives after the values queued before it', async () => {
    const q = new AsyncQueue<string>();
    q.push('a');
    q.push('b');
    q.fail(new Error('boom'));
    const got: string[] = [];
    await expect(
      (async () => {
        for await (const v of q) got.push(v);
      })(),
    ).rejects.toThrow('boom');
    expect(got).toEqual(['a', 'b']);
  });

  it('keeps order across many values (compaction)', async () => {
    const q = new AsyncQueue<number>();
    const n = 5000;
    const done = collect(q);
    for (let i = 0; i < n; i++) q.push(i);
    q.end();
    const got = await done;
    expect(got).toHaveLength(n);
    expect(got.every((v, i) => v === i)).toBe(true);
  });
});
