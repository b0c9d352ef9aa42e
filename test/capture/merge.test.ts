import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Frame } from '../../src/capture/frame.js';
import { mergeByTime, reorderWindow } from '../../src/capture/merge.js';

function frame(source: string, index: number, t: number): Frame {
  return { source, interface: source, index, timeNs: BigInt(t), linkType: 1, direction: null, capturedLength: 0, originalLength: 0, data: new Uint8Array(0) };
}

async function* from(frames: Frame[], log?: string[]): AsyncGenerator<Frame> {
  for (const f of frames) {
    log?.push(`read ${f.source}${f.index}`);
    await Promise.resolve();
    yield f;
  }
}

async function all(it: AsyncIterable<Frame>, log?: string[]): Promise<string[]> {
  const out: string[] = [];
  for await (const f of it) {
    out.push(`${f.source}${f.index}@${f.timeNs}`);
    log?.push(`out ${f.source}${f.index}`);
  }
  return out;
}

const seq = (source: string, times: number[]) => times.map((t, i) => frame(source, i + 1, t));

describe('mergeByTime', () => {
  it('merges inputs by time; equal times go by input order, then frame index', async () => {
    const a = seq('a', [1, 5, 5, 9]);
    const b = seq('b', [0, 5, 7]);
    const c = seq('c', [5]);
    expect(await all(mergeByTime([from(a), from(b), from(c)], 0n))).toEqual(['b1@0', 'a1@1', 'a2@5', 'a3@5', 'b2@5', 'c1@5', 'b3@7', 'a4@9']);
  });

  it('sorts frames out of order within the window, keeping their numbers', async () => {
    // Per-interface batches, as dumpcap writes them: 10,20,30 then 15,25 then 40.
    const a = seq('a', [10, 20, 30, 15, 25, 40]);
    expect(await all(mergeByTime([from(a)], 20n))).toEqual(['a1@10', 'a4@15', 'a2@20', 'a5@25', 'a3@30', 'a6@40']);
  });

  it('passes a frame later than the window allows on where it comes, never dropping it', async () => {
    const a = seq('a', [10, 100, 200, 50, 300]);
    // a4 comes after a2 was passed on: it goes out at once, ahead of a3, still held in its window.
    expect(await all(mergeByTime([from(a)], 10n))).toEqual(['a1@10', 'a2@100', 'a4@50', 'a3@200', 'a5@300']);
  });

  it('with no window, a frame of a single input is passed on before the next is read', async () => {
    const log: string[] = [];
    await all(mergeByTime([from(seq('a', [1, 2, 3]), log)], 0n), log);
    expect(log).toEqual(['read a1', 'out a1', 'read a2', 'out a2', 'read a3', 'out a3']);
  });

  it('holds no more than needed: an input far ahead waits while another catches up', async () => {
    const log: string[] = [];
    const early = seq('e', [1, 2, 3, 4]);
    const late = seq('l', [100, 101]);
    const out = await all(mergeByTime([from(late, log), from(early, log)], 0n), log);
    expect(out).toEqual(['e1@1', 'e2@2', 'e3@3', 'e4@4', 'l1@100', 'l2@101']);
    // The late input's second frame is read only once the early input is exhausted.
    expect(log.indexOf('read l2')).toBeGreaterThan(log.indexOf('out e4'));
  });

  it('passes on what was read before an input fails, in order, then the error', async () => {
    async function* failing(): AsyncGenerator<Frame> {
      yield frame('x', 1, 5);
      throw new Error('boom');
    }
    const out: string[] = [];
    await expect(
      (async () => {
        for await (const f of mergeByTime([from(seq('a', [1, 3, 9])), failing()], 0n)) out.push(`${f.source}${f.index}`);
      })(),
    ).rejects.toThrow('boom');
    // a3 (time 9) had been read, waiting for x to pass 9, when x failed.
    expect(out).toEqual(['a1', 'a2', 'x1', 'a3']);
  });

  it('closes every input when the consumer stops early', async () => {
    const closed: string[] = [];
    async function* tracked(name: string): AsyncGenerator<Frame> {
      try {
        for (let i = 1; i <= 100; i++) yield frame(name, i, i);
      } finally {
        closed.push(name);
      }
    }
    for await (const f of mergeByTime([tracked('a'), tracked('b')], 0n)) if (f.index === 3) break;
    expect(closed.sort()).toEqual(['a', 'b']);
  });

  it('property: output is a permutation of the input, time-sorted when each input is within the window', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.array(fc.integer({ min: 0, max: 50 }), { maxLength: 30 }), { minLength: 1, maxLength: 4 }),
        fc.integer({ min: 0, max: 20 }),
        async (inputs, jitter) => {
          // Each input: sorted times, then each moved back by up to `jitter` (so within the window).
          const sources = inputs.map((ts, s) => {
            const sorted = [...ts].sort((x, y) => x - y);
            return seq(String.fromCharCode(97 + s), sorted.map((t, i) => t * 100 - ((i * 7919) % (jitter + 1))));
          });
          const out = await all(mergeByTime(sources.map((f) => from(f)), BigInt(jitter)));
          const expected = sources
            .flatMap((fs, s) => fs.map((f) => ({ f, s })))
            .sort((x, y) => Number(x.f.timeNs - y.f.timeNs) || x.s - y.s || x.f.index - y.f.index)
            .map(({ f }) => `${f.source}${f.index}@${f.timeNs}`);
          expect(out).toEqual(expected);
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe('reorderWindow', () => {
  const label = (f: Frame) => `${f.source}${f.index}@${f.timeNs}`;

  it('passes a frame on once the window has closed behind it, and the rest at flush', () => {
    const out: string[] = [];
    const w = reorderWindow(10n, (f) => out.push(label(f)));
    for (const f of seq('a', [10, 15, 12, 30])) w.push(f);
    // 30 closes the window up to 20: 10, 12 and 15 are out, in time order; 30 waits.
    expect(out).toEqual(['a1@10', 'a3@12', 'a2@15']);
    w.flush();
    expect(out).toEqual(['a1@10', 'a3@12', 'a2@15', 'a4@30']);
  });

  it('gives the same order as mergeByTime over one input, whatever the times and window', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.integer({ min: 0, max: 60 }), { maxLength: 40 }), fc.integer({ min: 0, max: 30 }), async (times, window) => {
        const frames = seq('a', times);
        const pushed: string[] = [];
        const w = reorderWindow(BigInt(window), (f) => pushed.push(label(f)));
        for (const f of frames) w.push(f);
        w.flush();
        expect(pushed).toEqual(await all(mergeByTime([from(frames)], BigInt(window))));
      }),
      { numRuns: 300 },
    );
  });
});
