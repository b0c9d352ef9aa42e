import { render } from 'ink-testing-library';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createAnalyzer } from '../../src/analyze/analyzer.js';
import { App } from '../../src/tui/components/App.js';
import { ErrorBoundary } from '../../src/tui/components/ErrorBoundary.js';
import type { FeedEvent } from '../../src/tui/feed.js';
import type { Snapshot } from '../../src/tui/store.js';
import { TuiStore } from '../../src/tui/store.js';
import { scenarioFrames, scenarioReport, snapshotOf, SYS_A, SYS_B } from './fixtures.js';

/** React 19 schedules updates: give it a macrotask after input before looking. */
const settle = () => new Promise<void>((resolve) => setImmediate(() => setTimeout(resolve, 0)));

async function waitFor(lastFrame: () => string | undefined, text: string | RegExp, ms = 3000): Promise<string> {
  const until = Date.now() + ms;
  for (;;) {
    const frame = lastFrame() ?? '';
    if (typeof text === 'string' ? frame.includes(text) : text.test(frame)) return frame;
    if (Date.now() > until) throw new Error(`timed out waiting for ${String(text)} in:\n${frame}`);
    await settle();
  }
}

function fixed(snap: Snapshot) {
  return { subscribe: () => () => {}, getSnapshot: () => snap };
}

const frames = scenarioFrames();
const snap = snapshotOf(frames, scenarioReport(frames));

let cleanup: (() => void) | null = null;
afterEach(() => {
  cleanup?.();
  cleanup = null;
});

function mount(props: Partial<Parameters<typeof App>[0]> & { store: Parameters<typeof App>[0]['store'] }) {
  const onQuit = vi.fn();
  const r = render(<App title="cap.pcap" live={false} noColor={true} size={{ columns: 120, rows: 40 }} onQuit={onQuit} {...props} />);
  cleanup = r.unmount;
  return { ...r, onQuit };
}

async function keys(stdin: { write(s: string): void }, ...seq: string[]) {
  for (const k of seq) {
    stdin.write(k);
    await settle();
  }
}

/** Press a key and wait for the screen to show `text`. */
async function pressFor(r: { stdin: { write(s: string): void }; lastFrame(): string | undefined }, key: string, text: string | RegExp): Promise<string> {
  await keys(r.stdin, key);
  return waitFor(r.lastFrame, text);
}

describe('App with a fixed snapshot', () => {
  it('shows the overview, then a finding, its moment and its PDU, using only keys', async () => {
    const { stdin, lastFrame } = mount({ store: fixed(snap) });
    await waitFor(lastFrame, `${SYS_B}/6`);
    expect(lastFrame()).toMatch(/timed out/);
    await keys(stdin, '3');
    await waitFor(lastFrame, /ERROR\s+\+11\.800s\s+PDU_TIMEOUT/);
    await keys(stdin, '\r');
    const timeline = await waitFor(lastFrame, 'Link 2/2');
    expect(timeline).toContain('B PDUs');
    expect(timeline).toMatch(/cursor \+10\.3/);
    const detail = await pressFor({ stdin, lastFrame }, '\r', 'Actor Information');
    expect(detail).toContain(`Actor System ID: ${SYS_B}`);
    expect(detail).toContain('Actor Port: 6');
    await pressFor({ stdin, lastFrame }, '\x1b', 'Link 2/2');
  });

  it('opens help with ? and closes it with Esc', async () => {
    const r = mount({ store: fixed(snap) });
    await pressFor(r, '?', 'Timeline legend');
    await pressFor(r, '\x1b', 'Aggregation');
  });

  it('filters with / and shows the filter', async () => {
    const r = mount({ store: fixed(snap) });
    await pressFor(r, '/', 'Enter apply');
    await keys(r.stdin, 'code:expired');
    const frame = await pressFor(r, '\r', 'filter: code:expired');
    expect(frame).toContain(`${SYS_A}/2`);
    expect(frame).not.toMatch(new RegExp(`^\\s*${SYS_B}/6`, 'm')); // B/6 has no row of its own
  });

  it('quits on q', async () => {
    const { stdin, onQuit, lastFrame } = mount({ store: fixed(snap) });
    await waitFor(lastFrame, 'Aggregation');
    await keys(stdin, 'q');
    expect(onQuit).toHaveBeenCalledTimes(1);
  });

  it('fits 80x24', async () => {
    const { lastFrame } = mount({ store: fixed(snap), size: { columns: 80, rows: 24 } });
    const frame = await waitFor(lastFrame, 'Aggregation');
    const lines = frame.split('\n');
    expect(lines.length).toBeLessThanOrEqual(24);
    expect(lines.every((l) => [...l].length <= 80)).toBe(true);
  });
});

describe('ErrorBoundary', () => {
  it('hands a render crash to onCrash instead of leaving a broken screen', async () => {
    const onCrash = vi.fn();
    function Broken(): never {
      throw new Error('render bug');
    }
    const spy = vi.spyOn(console, 'error').mockImplementation(() => {});
    const r = render(<ErrorBoundary onCrash={onCrash}><Broken /></ErrorBoundary>);
    cleanup = r.unmount;
    await settle();
    spy.mockRestore();
    expect(onCrash).toHaveBeenCalledWith(expect.objectContaining({ message: 'render bug' }));
  });
});

describe('App on a live store', () => {
  it('shows frames as the feed delivers them, follows, pauses and shows the stop message', async () => {
    const store = new TuiStore({ analyzer: createAnalyzer(), minIntervalMs: 10 });
    const { stdin, lastFrame } = mount({ store, live: true });
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    async function* feed(): AsyncGenerator<FeedEvent> {
      for (const d of frames.slice(0, 8)) yield { kind: 'frame', decoded: d };
      await gate;
      for (const d of frames.slice(8)) yield { kind: 'frame', decoded: d };
      yield { kind: 'stopped', message: 'tcpdump exited (interface went down)' };
    }
    const done = store.consume(feed());
    await waitFor(lastFrame, 'LIVE ● following 8 frames');
    expect(lastFrame()).toContain('Recent events');
    await keys(stdin, ' ');
    await waitFor(lastFrame, 'LIVE ‖ paused');
    release();
    await done;
    // Paused: the counter moves on while the data shown holds still.
    const paused = await waitFor(lastFrame, `${frames.length} frames`);
    expect(paused).not.toContain(`${SYS_A}/2     eth0    expired`);
    await keys(stdin, 'f');
    const live = await waitFor(lastFrame, 'Capture stopped: tcpdump exited (interface went down)');
    expect(live).toMatch(/02:aa:00:00:00:01\/2\s+eth0\s+expired/);
    store.dispose();
  });
});
