/**
 * `lacpscope [FILE...]`: the interactive review on a terminal, the analyze text report otherwise.
 * With no FILE it opens the demo capture bundled with the package.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ERROR_CODES, LacpscopeError } from '../errors.js';
import type { FeedEvent } from '../tui/feed.js';
import { ANALYZE_OPTIONS, COMMON_OPTIONS, FAIL_ON, INPUT_OPTIONS, checkDate, mainHelp, oneOf, parseCommand } from './args.js';
import { printReport } from './analyze-command.js';
import { answeredInfo, checkInputs, colorWanted, errorLine, writeLine, type CliIo } from './io.js';
import { createFeed, isStream } from './pipeline.js';
import { parseThresholds } from './thresholds.js';

/** Where the package keeps its demo capture (dist/cli and src/cli are both two levels down). */
export function demoCapturePath(): string {
  return fileURLToPath(new URL('../../captures/demo/demo.pcapng', import.meta.url));
}

function demoCapture(): string {
  const path = demoCapturePath();
  if (!existsSync(path)) {
    throw new LacpscopeError(ERROR_CODES.IO, 'the bundled demo capture is missing (expected a pcapng file here); give a capture FILE instead', { file: path });
  }
  return path;
}

/** How long the review waits for the first frame before taking over the screen. */
const FIRST_LOOK_MS = 400;
const TIMEOUT = Symbol('timeout');

/**
 * Reads the first events before the TUI takes over the screen, so that an input that is not a
 * capture is reported as one plain error line instead of inside a full-screen view. Returns the
 * events seen and an iterable that replays them followed by the rest.
 */
async function firstLook(events: AsyncIterable<FeedEvent>): Promise<{ head: FeedEvent[]; all: AsyncIterable<FeedEvent> }> {
  const it = events[Symbol.asyncIterator]();
  const head: FeedEvent[] = [];
  let pending: Promise<IteratorResult<FeedEvent>> | null = null;
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<typeof TIMEOUT>((resolve) => (timer = setTimeout(() => resolve(TIMEOUT), FIRST_LOOK_MS)));
  for (;;) {
    pending ??= it.next();
    const r = await Promise.race([pending, deadline]);
    if (r === TIMEOUT) break;
    pending = null;
    if (r.done) break;
    head.push(r.value);
    if (r.value.kind === 'frame' || r.value.kind === 'end' || r.value.kind === 'stopped') break;
  }
  clearTimeout(timer);
  const waiting = pending;
  async function* all(): AsyncGenerator<FeedEvent> {
    yield* head;
    if (waiting) {
      const r = await waiting;
      if (r.done) return;
      yield r.value;
    }
    for (;;) {
      const r = await it.next();
      if (r.done) return;
      yield r.value;
    }
  }
  return { head, all: all() };
}

export async function reviewCommand(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommand(undefined, {
    args: argv,
    allowPositionals: true,
    strict: true,
    options: { ...COMMON_OPTIONS, ...INPUT_OPTIONS, ...ANALYZE_OPTIONS },
  });
  if (answeredInfo(values, io, mainHelp)) return 0;
  const date = checkDate(values.date);
  const thresholds = parseThresholds(values.threshold);
  const failOn = oneOf(values['fail-on'], FAIL_ON, 'error', 'fail-on');
  checkInputs(positionals, io);
  const paths = positionals.length ? positionals : [demoCapture()];

  if (io.stdout.isTTY !== true) {
    return printReport({ paths, format: 'text', failOn, date, thresholds, color: colorWanted(io, values['no-color']) }, io);
  }

  const stop = new AbortController();
  const feed = createFeed(paths, { date, signal: stop.signal });
  let failure: unknown = null;
  feed.done.catch((error: unknown) => (failure = error));
  const { head, all } = await firstLook(feed.events);
  if (head.some((e) => e.kind === 'stopped') && !head.some((e) => e.kind === 'frame')) {
    // `stopped` is queued as the reading fails, so `done` has already rejected.
    writeLine(io.stderr, errorLine(await feed.done.then(() => null, (error: unknown) => error)));
    return 2;
  }

  const { runTui } = await import('../tui/run.js');
  try {
    // With the capture on standard input, runTui takes its keys from the controlling terminal.
    await runTui({
      title: positionals.length ? paths.join(' ') : 'demo capture',
      feed: all,
      live: paths.some(isStream),
      noColor: Boolean(values['no-color'] || io.env.NO_COLOR),
      analyzerOptions: thresholds ? { thresholds } : undefined,
    });
  } finally {
    // Quitting before the inputs are read to the end stops the reading.
    stop.abort();
  }
  // An input that failed after the view opened: the view said `stopped`; the shell gets the line.
  if (failure !== null) {
    writeLine(io.stderr, errorLine(failure));
    return 2;
  }
  return 0;
}
