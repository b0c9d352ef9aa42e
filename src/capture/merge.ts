/**
 * Merges the frames of several inputs into one stream in timestamp order. Inside one input,
 * frames may arrive up to `windowNs` out of order (dumpcap's multi-interface pcapng writes
 * per-interface batches); they are sorted within that window. A frame later than the window
 * allows is passed on where it comes, never dropped. Frames are never renumbered.
 * Order is stable: equal timestamps go by input order, then by frame index.
 */
import type { Frame } from './frame.js';

/** Default reorder window inside one input: covers dumpcap's per-interface batching. */
export const DEFAULT_REORDER_WINDOW_NS = 2_000_000_000n;

interface Entry {
  frame: Frame;
  input: number;
  /** Arrival order within its input: ties among equal times and indexes keep it. */
  seq: number;
}

function before(a: Entry, b: Entry): boolean {
  if (a.frame.timeNs !== b.frame.timeNs) return a.frame.timeNs < b.frame.timeNs;
  if (a.input !== b.input) return a.input < b.input;
  if (a.frame.index !== b.frame.index) return a.frame.index < b.frame.index;
  return a.seq < b.seq;
}

/** Binary min-heap on `before`. */
class Heap {
  private readonly items: Entry[] = [];

  get size(): number {
    return this.items.length;
  }

  peek(): Entry | undefined {
    return this.items[0];
  }

  push(e: Entry): void {
    const a = this.items;
    a.push(e);
    let i = a.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!before(a[i], a[parent])) break;
      [a[i], a[parent]] = [a[parent], a[i]];
      i = parent;
    }
  }

  pop(): Entry | undefined {
    const a = this.items;
    const top = a[0];
    const last = a.pop();
    if (a.length > 0 && last !== undefined) {
      a[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < a.length && before(a[l], a[m])) m = l;
        if (r < a.length && before(a[r], a[m])) m = r;
        if (m === i) break;
        [a[i], a[m]] = [a[m], a[i]];
        i = m;
      }
    }
    return top;
  }
}

interface Input {
  it: AsyncIterator<Frame>;
  done: boolean;
  /** Latest timestamp seen in this input, or null before its first frame. */
  latest: bigint | null;
  seq: number;
}

/**
 * `sources[i]`'s frames, merged by time. A buffered frame is passed on once no input can still
 * produce one that sorts before it: every unfinished input has shown a frame at least
 * `windowNs` later (the one it came from included). Memory: the frames inside each window.
 */
export async function* mergeByTime(sources: AsyncIterable<Frame>[], windowNs: bigint = DEFAULT_REORDER_WINDOW_NS): AsyncGenerator<Frame> {
  const inputs: Input[] = sources.map((s) => ({ it: s[Symbol.asyncIterator](), done: false, latest: null, seq: 0 }));
  const heap = new Heap();
  try {
    for (;;) {
      // Pass on what can no longer be preceded by anything still unread.
      for (let top = heap.peek(); top !== undefined && inputsAllow(inputs, top.frame.timeNs, top.input, windowNs); top = heap.peek()) {
        heap.pop();
        yield top.frame;
      }
      // Read on from the input that holds everything back: one not yet started, else the
      // unfinished one with the lowest bound on its next frame.
      let blocking = -1;
      for (let i = 0; i < inputs.length; i++) {
        const input = inputs[i];
        if (input.done) continue;
        if (input.latest === null) {
          blocking = i;
          break;
        }
        if (blocking < 0 || input.latest < (inputs[blocking].latest as bigint)) blocking = i;
      }
      if (blocking < 0) return;
      const input = inputs[blocking];
      let r: IteratorResult<Frame>;
      try {
        r = await input.it.next();
      } catch (error) {
        // A fatal input error: what was read before it is still passed on, in order.
        input.done = true;
        for (let e = heap.pop(); e !== undefined; e = heap.pop()) yield e.frame;
        throw error;
      }
      if (r.done) {
        input.done = true;
        continue;
      }
      const t = r.value.timeNs;
      if (input.latest === null || t > input.latest) input.latest = t;
      heap.push({ frame: r.value, input: blocking, seq: input.seq++ });
    }
  } finally {
    // Stopped early (or failed): let every input release its file.
    await Promise.all(inputs.filter((i) => !i.done).map((i) => i.it.return?.()));
  }
}

/**
 * True when no unfinished input can still produce a frame sorting before one at time `t` from
 * input `from`: each input's future frames are no earlier than its latest minus the window, and
 * at equal times a later input (or the same one, with a higher index) sorts after.
 */
function inputsAllow(inputs: Input[], t: bigint, from: number, windowNs: bigint): boolean {
  for (let i = 0; i < inputs.length; i++) {
    const input = inputs[i];
    if (input.done) continue;
    if (input.latest === null) return false;
    const bound = input.latest - windowNs;
    if (t > bound || (t === bound && i < from)) return false;
  }
  return true;
}

/**
 * `mergeByTime` for a single input, pushed rather than pulled: each frame goes to `emit` once no
 * frame still to come can sort before it (the same window and order), with no async step per
 * frame. `flush` passes on what is held, at the end of the input or when it fails.
 */
export function reorderWindow(windowNs: bigint, emit: (frame: Frame) => void): { push(frame: Frame): void; flush(): void } {
  const heap = new Heap();
  let latest: bigint | null = null;
  let seq = 0;
  return {
    push(frame) {
      if (latest === null || frame.timeNs > latest) latest = frame.timeNs;
      heap.push({ frame, input: 0, seq: seq++ });
      const bound = latest - windowNs;
      for (let top = heap.peek(); top !== undefined && top.frame.timeNs <= bound; top = heap.peek()) {
        heap.pop();
        emit(top.frame);
      }
    },
    flush() {
      for (let e = heap.pop(); e !== undefined; e = heap.pop()) emit(e.frame);
    },
  };
}
