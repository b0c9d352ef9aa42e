import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createAnalyzer } from '../../src/analyze/analyzer.js';
import { emptyStats } from '../../src/capture/frame.js';
import type { FeedEvent } from '../../src/tui/feed.js';
import { frameKey } from '../../src/tui/frames.js';
import { TuiStore } from '../../src/tui/store.js';
import { scenarioFrames, SYS_A, SYS_B, T0 } from './fixtures.js';

const frames = scenarioFrames();

async function* events(list: FeedEvent[]): AsyncGenerator<FeedEvent> {
  yield* list;
}

describe('TuiStore', () => {
  it('feeds the analyzer and publishes the final report at the end', async () => {
    const store = new TuiStore({ analyzer: createAnalyzer() });
    await store.consume(events([...frames.map((decoded) => ({ kind: 'frame' as const, decoded })), { kind: 'end' }]));
    const s = store.getSnapshot();
    expect(s.final).toBe(true);
    expect(s.loading).toBe(false);
    expect(s.report?.ports.map((p) => p.id).sort()).toEqual([`${SYS_A}/1`, `${SYS_A}/2`, `${SYS_B}/5`, `${SYS_B}/6`]);
    expect(s.report?.findings.map((f) => f.code)).toContain('PDU_TIMEOUT');
    expect(s.counts).toEqual({ slow: frames.length, lacp: frames.length, malformed: 0 });
    expect(s.firstTime).toBe(T0);
    // Every timeline entry's PDU can be shown in detail.
    for (const p of s.report!.ports) for (const e of p.timeline) expect(s.frames.get(frameKey(e.source, e.frame))).toBeDefined();
    // So can the evidence of every finding.
    for (const f of s.report!.findings) expect(s.frames.find(f.frames[0], f.source)).toBeDefined();
    store.dispose();
  });

  describe('publishing (on fake timers, which also drive the store clock)', () => {
    beforeEach(() => vi.useFakeTimers());
    afterEach(() => vi.useRealTimers());

    /** How many times `store` has published so far. */
    function publishes(store: TuiStore): () => number {
      let n = 0;
      store.subscribe(() => n++);
      return () => n;
    }

    it('publishes at most once per interval however many frames arrive', () => {
      const store = new TuiStore({ analyzer: createAnalyzer(), minIntervalMs: 100, clock: () => Date.now() });
      const published = publishes(store);
      for (const decoded of frames) store.handle({ kind: 'frame', decoded });
      expect(published()).toBe(0);
      vi.advanceTimersByTime(1);
      expect(published()).toBe(1);
      for (const decoded of frames.slice(0, 5)) store.handle({ kind: 'frame', decoded });
      vi.advanceTimersByTime(50);
      expect(published()).toBe(1); // still inside the interval
      vi.advanceTimersByTime(60);
      expect(published()).toBe(2);
      vi.advanceTimersByTime(500);
      expect(published()).toBe(2); // nothing new, nothing published
      store.dispose();
    });

    it('spaces publishes further apart when reports are slow', () => {
      let reporting = 0;
      const analyzer = createAnalyzer();
      const report = analyzer.report.bind(analyzer);
      // Each report takes 50 ms of the store's clock.
      analyzer.report = (options) => {
        reporting += 50;
        return report(options);
      };
      const store = new TuiStore({ analyzer, minIntervalMs: 40, clock: () => Date.now() + reporting });
      const published = publishes(store);
      store.handle({ kind: 'frame', decoded: frames[0] });
      vi.advanceTimersByTime(1);
      expect(published()).toBe(1);
      store.handle({ kind: 'frame', decoded: frames[1] });
      vi.advanceTimersByTime(180);
      expect(published()).toBe(1); // 40 ms have passed; four times the 50 ms report has not
      vi.advanceTimersByTime(30);
      expect(published()).toBe(2);
      store.dispose();
    });

    it('lets a clock tick or new counts redraw only with a finding, or once a second', () => {
      const store = new TuiStore({ analyzer: createAnalyzer(), minIntervalMs: 40, clock: () => Date.now() });
      const published = publishes(store);
      for (const decoded of frames.filter((d) => Number(d.pdu.time) < T0 + 5)) store.handle({ kind: 'frame', decoded });
      vi.advanceTimersByTime(1);
      expect(published()).toBe(1);
      // Ticks while every port still speaks, and a reader's new counts: nothing worth a redraw of
      // its own, which would make the next frame wait its turn.
      for (let i = 1; i <= 3; i++) {
        store.handle({ kind: 'tick', nowSec: T0 + 5 + i * 0.25 });
        store.handle({ kind: 'source', stats: { ...emptyStats('cap.pcap'), format: 'pcap', frames: 100 * i, slowFrames: 10 } });
        vi.advanceTimersByTime(250);
      }
      expect(published()).toBe(1);
      // A second after the last publish, the clock alone redraws (open findings' durations).
      vi.advanceTimersByTime(300);
      store.handle({ kind: 'tick', nowSec: T0 + 6 });
      vi.advanceTimersByTime(1);
      expect(published()).toBe(2);
      expect(store.getSnapshot().sources[0].frames).toBe(300);
      // A tick that raises a finding is shown at once.
      store.handle({ kind: 'tick', nowSec: T0 + 30 });
      vi.advanceTimersByTime(40);
      expect(published()).toBe(3);
      expect(store.getSnapshot().report?.findings.some((f) => f.code === 'PDU_TIMEOUT')).toBe(true);
      store.dispose();
    });
  });

  it('turns progress events into a rate and the time left', () => {
    let now = 0;
    const store = new TuiStore({ analyzer: createAnalyzer(), clock: () => now });
    store.handle({ kind: 'progress', bytesRead: 0, totalBytes: 1000, frames: 0 });
    now = 2000;
    store.handle({ kind: 'progress', bytesRead: 250, totalBytes: 1000, frames: 5000 });
    store.flush();
    expect(store.getSnapshot().progress).toMatchObject({ framesPerSec: 2500, secondsLeft: 6 });
    store.dispose();
  });

  it('keeps the data and says why when the feed fails or the capture stops', async () => {
    const store = new TuiStore({ analyzer: createAnalyzer() });
    async function* failing(): AsyncGenerator<FeedEvent> {
      yield { kind: 'frame', decoded: frames[0] };
      throw Object.assign(new Error('bad block'), { toLine: () => 'lacpscope: x.pcapng: bad block (at byte offset 64)' });
    }
    await store.consume(failing());
    expect(store.getSnapshot()).toMatchObject({ error: 'lacpscope: x.pcapng: bad block (at byte offset 64)', counts: { slow: 1 } });
    store.handle({ kind: 'stopped', message: 'tcpdump exited' });
    expect(store.getSnapshot().stopped).toBe('tcpdump exited');
    store.dispose();
  });

  it('lets the clock flag a silent port without a new frame (live)', () => {
    const store = new TuiStore({ analyzer: createAnalyzer() });
    for (const decoded of frames.filter((d) => Number(d.pdu.time) < T0 + 5)) store.handle({ kind: 'frame', decoded });
    store.flush();
    expect(store.getSnapshot().report?.findings.some((f) => f.code === 'PDU_TIMEOUT')).toBe(false);
    store.handle({ kind: 'tick', nowSec: T0 + 30 });
    store.flush();
    const s = store.getSnapshot();
    expect(s.now).toBe(T0 + 30);
    expect(s.report?.findings.some((f) => f.code === 'PDU_TIMEOUT')).toBe(true);
    expect(s.recent.some((e) => e.severity === 'error' && e.text.startsWith('PDU_TIMEOUT'))).toBe(true);
    store.dispose();
  });

  it('records source statistics for the summary', () => {
    const store = new TuiStore({ analyzer: createAnalyzer() });
    store.handle({ kind: 'source', stats: { ...emptyStats('cap.pcap'), format: 'pcap', frames: 500, slowFrames: 74 } });
    store.flush();
    expect(store.getSnapshot().sources).toEqual([expect.objectContaining({ name: 'cap.pcap', frames: 500 })]);
    expect(store.getSnapshot().report?.sources[0]).toMatchObject({ name: 'cap.pcap', frames: 500 });
    store.dispose();
  });
});
