/**
 * `lacpscope live -i IFACE [-i IFACE]... [--write FILE]`: the live view on a terminal; off a
 * terminal, one decode line per frame and one line per finding as they happen, then the report.
 * The clock ticks while capturing, so a port that falls silent is flagged on time, without
 * waiting for another frame.
 */
import type { Frame, SourceStats } from '../capture/frame.js';
import { emptyStats } from '../capture/frame.js';
import { startLiveCapture, type LiveCapture, type LiveStatus, type LiveSummary } from '../capture/live.js';
import { createAnalyzer } from '../analyze/analyzer.js';
import type { AnalyzerEvent, Finding } from '../analyze/model.js';
import { decodeFrame } from '../decode/decode.js';
import { formatTextLine } from '../decode/format.js';
import { renderText } from '../report/text.js';
import type { FeedEvent } from '../tui/feed.js';
import { exitCodeFor } from './analyze-command.js';
import { ANALYZE_OPTIONS, COMMON_OPTIONS, FAIL_ON, oneOf, parseCommand } from './args.js';
import { colorWanted, errorLine, packageVersion, usageError, writeLine, type CliIo } from './io.js';
import { LineOutput } from './output.js';
import { AsyncQueue } from './queue.js';
import { parseThresholds } from './thresholds.js';

/** Clock tick while capturing: silence is judged at most this late. */
export const LIVE_TICK_MS = 250;

export function liveHelp(): string {
  return `Usage: lacpscope live -i IFACE [-i IFACE]... [--write FILE] [options]

Captures LACP on each interface (one 'tcpdump -U --immediate-mode -w - -i IFACE' each, filtered
to Slow Protocols), merges the frames as they arrive and shows them in the live view: ports,
links and findings update with every frame, and a port that falls silent is flagged as time
passes. Needs tcpdump and the right to capture (root, or tcpdump with cap_net_raw,cap_net_admin).

When standard output is not a terminal, prints one line per frame and per finding as they
happen and the analyze text report when the capture stops (Ctrl-C, or tcpdump exiting).

Options:
  -i, --interface IFACE     capture on IFACE (repeatable; 'any' captures on all, seeing a
                            frame crossing a local veth pair twice)
  -w, --write FILE          keep every captured frame in FILE (pcapng, one interface per
                            captured interface, written frame by frame: nothing shown is lost)
  --fail-on LEVEL           exit 1 when a finding is at or above LEVEL: error, warning, or
                            never (default never)
  --threshold NAME=VALUE    override one diagnostic threshold (repeatable; see analyze --help)
  --no-color                no colour (also when NO_COLOR is set)
  -h, --help                this help
  --version                 the version

Exit status: 0 stopped by the user, 1 a finding at or above --fail-on, 2 usage error or a capture
that could not start or stopped on its own (the message says why and how to fix it).
`;
}

export interface LiveCommandOptions {
  interfaces: string[];
  write?: string;
  noColor: boolean;
  failOn: (typeof FAIL_ON)[number];
  thresholds: ReturnType<typeof parseThresholds>;
}

export function parseLiveArgs(argv: string[]): LiveCommandOptions | 'help' | 'version' {
  const { values, positionals } = parseCommand('live', {
    args: argv,
    allowPositionals: true,
    strict: true,
    options: {
      ...COMMON_OPTIONS,
      ...ANALYZE_OPTIONS,
      interface: { type: 'string', short: 'i', multiple: true },
      write: { type: 'string', short: 'w' },
    },
  });
  if (values.help) return 'help';
  if (values.version) return 'version';
  if (positionals.length) throw usageError(`live takes no FILE (got '${positionals[0]}'); to watch a pipe use 'lacpscope -'`, 'live');
  const interfaces = values.interface ?? [];
  if (interfaces.length === 0) throw usageError('live needs at least one interface: -i IFACE', 'live');
  return {
    interfaces,
    write: values.write,
    noColor: Boolean(values['no-color']),
    failOn: oneOf(values['fail-on'], FAIL_ON, 'never', 'fail-on', 'live'),
    thresholds: parseThresholds(values.threshold, 'live'),
  };
}

/** The capture's counts as one source, as reading the --write file back would give them. */
function liveStats(summary: LiveSummary): SourceStats {
  const s = emptyStats(summary.source);
  s.format = 'pcap';
  for (const i of summary.interfaces) {
    s.frames += i.stats.frames;
    s.slowFrames += i.stats.slowFrames;
    s.bytes += i.stats.bytes;
    s.snapCut += i.stats.snapCut;
    s.skipped.push(...i.stats.skipped);
  }
  return s;
}

function summaryLine(summary: LiveSummary): string {
  const parts = summary.interfaces.map((i) => {
    const drops = i.dropped ? `, ${i.dropped} dropped by the kernel` : '';
    return `${i.interface}: ${i.stats.slowFrames} ${i.stats.slowFrames === 1 ? 'frame' : 'frames'}${drops}`;
  });
  const file = summary.file ? `; ${summary.written} written to ${summary.file}` : '';
  return `lacpscope: captured ${summary.frames} LACP/Slow Protocols ${summary.frames === 1 ? 'frame' : 'frames'} (${parts.join('; ')})${file}`;
}

function findingLine(f: Finding): string {
  const where = f.port ?? f.link ?? '';
  return `! ${f.severity.toUpperCase()} ${f.code} ${f.time}${where ? ` ${where}` : ''}: ${f.message}`;
}

/** Stops on Ctrl-C, SIGTERM or a closed terminal; returns the function that removes the handlers. */
function onStopSignals(stop: () => void): () => void {
  const signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
  for (const s of signals) process.on(s, stop);
  return () => {
    for (const s of signals) process.removeListener(s, stop);
  };
}

async function startOrExplain(options: LiveCommandOptions, onFrame: (f: Frame) => void, onStatus: (s: LiveStatus) => void, io: CliIo): Promise<LiveCapture | null> {
  const capture = startLiveCapture({ interfaces: options.interfaces, write: options.write, onFrame, onStatus });
  try {
    await capture.ready;
    return capture;
  } catch (error) {
    await capture.done;
    writeLine(io.stderr, errorLine(error));
    return null;
  }
}

/** Off a terminal: lines as things happen, the report at the end. */
async function runLines(options: LiveCommandOptions, io: CliIo): Promise<number> {
  const analyzer = createAnalyzer(options.thresholds ? { thresholds: options.thresholds } : undefined);
  let capture: LiveCapture | null = null;
  // The reader of standard output went away (`| head`): stop capturing, as a pipe would.
  const out = new LineOutput(io.stdout, () => void capture?.stop());
  const printEvents = (events: AnalyzerEvent[]) => {
    for (const e of events) if (e.kind === 'finding') out.line(findingLine(e.finding));
  };
  const onFrame = (frame: Frame) => {
    const decoded = decodeFrame(frame);
    out.line(formatTextLine(decoded.pdu));
    printEvents(analyzer.push(decoded.pdu));
  };
  const onStatus = (s: LiveStatus) => {
    if (s.kind === 'listening') writeLine(io.stderr, `lacpscope: ${s.message}`);
    else if (s.kind === 'drops') writeLine(io.stderr, `lacpscope: ${s.interface}: ${s.dropped} packets dropped by the kernel so far`);
    else if (s.kind === 'failed') writeLine(io.stderr, s.error.toLine());
  };
  capture = await startOrExplain(options, onFrame, onStatus, io);
  if (!capture) return 2;
  const running = capture;
  const ticker = setInterval(() => printEvents(analyzer.tick(Date.now() / 1000)), LIVE_TICK_MS);
  const removeSignals = onStopSignals(() => void running.stop());
  const summary = await running.done;
  clearInterval(ticker);
  removeSignals();
  analyzer.setSourceStats(liveStats(summary));
  const report = analyzer.report({ final: true });
  out.line(renderText(report, { color: colorWanted(io, options.noColor) }).replace(/\n$/, ''));
  await out.close();
  writeLine(io.stderr, summaryLine(summary));
  if (summary.error) {
    writeLine(io.stderr, summary.error.toLine());
    return 2;
  }
  return exitCodeFor(report, options.failOn);
}

/** On a terminal: the TUI, fed frames, the clock and the capture's end. */
async function runView(options: LiveCommandOptions, io: CliIo): Promise<number> {
  const feed = new AsyncQueue<FeedEvent>();
  // The exit status needs the findings; LACP rates make a second analyzer cheap.
  const analyzer = options.failOn === 'never' ? null : createAnalyzer(options.thresholds ? { thresholds: options.thresholds } : undefined);
  const onFrame = (frame: Frame) => {
    const decoded = decodeFrame(frame);
    analyzer?.push(decoded.pdu);
    feed.push({ kind: 'frame', decoded });
  };
  let stoppedMessage: string | null = null;
  const onStatus = (s: LiveStatus) => {
    if (s.kind === 'stopped') stoppedMessage = s.message;
  };
  // Loading the TUI (React, Ink) takes a while: do it while tcpdump starts.
  const tui = import('../tui/run.js');
  tui.catch(() => undefined);
  const capture = await startOrExplain(options, onFrame, onStatus, io);
  if (!capture) return 2;
  let lastFrames = -1;
  const tick = () => {
    const now = Date.now() / 1000;
    analyzer?.tick(now);
    const summary = capture.summary();
    if (summary.frames !== lastFrames) {
      lastFrames = summary.frames;
      feed.push({ kind: 'source', stats: liveStats(summary) });
    }
    feed.push({ kind: 'tick', nowSec: now });
  };
  const ticker = setInterval(tick, LIVE_TICK_MS);
  tick();
  void capture.done.then((summary) => {
    clearInterval(ticker);
    feed.push({ kind: 'source', stats: liveStats(summary) });
    feed.push({ kind: 'stopped', message: stoppedMessage ?? 'capture stopped' });
    feed.end();
  });
  const removeSignals = onStopSignals(() => void capture.stop());
  const { runTui } = await tui;
  const title = `live: ${options.interfaces.join(', ')}${options.write ? ` -> ${options.write}` : ''}`;
  let summary: LiveSummary;
  try {
    await runTui({
      title,
      feed,
      live: true,
      noColor: options.noColor || Boolean(io.env.NO_COLOR),
      analyzerOptions: options.thresholds ? { thresholds: options.thresholds } : undefined,
    });
  } finally {
    removeSignals();
    // Quitting the view (or its crash) ends the capture: tcpdump stopped, the file closed.
    summary = await capture.stop();
  }
  writeLine(io.stderr, summaryLine(summary));
  if (summary.error) {
    writeLine(io.stderr, summary.error.toLine());
    return 2;
  }
  if (!analyzer) return 0;
  analyzer.setSourceStats(liveStats(summary));
  return exitCodeFor(analyzer.report({ final: true }), options.failOn);
}

export async function runLiveCommand(argv: string[], io: CliIo): Promise<number> {
  const options = parseLiveArgs(argv);
  if (options === 'help') {
    io.stdout.write(liveHelp());
    return 0;
  }
  if (options === 'version') {
    writeLine(io.stdout, packageVersion());
    return 0;
  }
  return io.stdout.isTTY === true ? runView(options, io) : runLines(options, io);
}
