/**
 * Live capture: one `tcpdump -w -` per interface, each stream parsed by the pcap reader, frames
 * handed on in arrival order the moment they are read. `--immediate-mode` is what makes that
 * prompt: without it the kernel's TPACKET_V3 blocks hold frames back for up to half a second.
 * Each frame is written to the `--write` pcapng before anyone sees it, so a crash, Ctrl-C or a
 * killed tcpdump never loses a frame that was shown.
 */
import { spawn, type ChildProcessByStdio } from 'node:child_process';
import { accessSync, constants, existsSync, readdirSync } from 'node:fs';
import { basename, delimiter, join } from 'node:path';
import type { Readable } from 'node:stream';
import { ERROR_CODES, LacpscopeError } from '../errors.js';
import type { CaptureReader, Frame, SourceStats } from './frame.js';
import { createPcapReader, pcapMagic, readU32 } from './pcap.js';
import { PcapngWriter } from './pcapng-writer.js';

export const LIVE_FILTER = 'ether proto 0x8809';
/**
 * Each ring slot of the kernel's capture buffer is as large as the snapshot length: with
 * tcpdump's 262144 its 2 MiB default holds 32 frames, so a burst arriving while tcpdump waits for
 * the CPU would be dropped. Slow Protocols frames are at most 1518 bytes plus tags: 2048 keeps
 * them whole and gives room for about a thousand.
 */
export const LIVE_SNAPLEN = 2048;
const TCPDUMP_ARGS = ['-U', '--immediate-mode', '--time-stamp-precision=nano', '-s', String(LIVE_SNAPLEN), '-w', '-'];
const SYS_CLASS_NET = '/sys/class/net';
const PCAP_FILE_HEADER = 24;
/** How often tcpdump is asked (SIGUSR1) for its counters, so drops show while capturing. */
const DROP_POLL_MS = 1000;
/** How long a stopped tcpdump gets to flush before it is killed. */
const STOP_GRACE_MS = 2000;

export type LiveStatus =
  /** tcpdump is capturing on the interface (its own "listening on ..." line). */
  | { kind: 'listening'; interface: string; message: string }
  /** The kernel dropped frames before tcpdump saw them (counter from tcpdump's statistics). */
  | { kind: 'drops'; interface: string; dropped: number }
  /** The capture on one interface failed; the others go on. */
  | { kind: 'failed'; interface: string; error: LacpscopeError }
  /** Every tcpdump has exited and the file is closed; `error` is the first failure, if any. */
  | { kind: 'stopped'; message: string; error: LacpscopeError | null };

export interface LiveOptions {
  interfaces: readonly string[];
  /** pcapng file that receives every captured frame, with one interface per captured interface. */
  write?: string;
  onFrame: (frame: Frame) => void;
  onStatus?: (status: LiveStatus) => void;
  /** tcpdump binary: a name looked up on PATH or a path (default `tcpdump`). */
  tcpdump?: string;
  /** Environment for the PATH lookup and the child (default process.env). */
  env?: NodeJS.ProcessEnv;
}

export interface InterfaceSummary {
  interface: string;
  /** The pcap reader's counts for this interface's stream. */
  stats: SourceStats;
  /** Frames the kernel dropped, from tcpdump's statistics (null until tcpdump reports). */
  dropped: number | null;
  /** The failure that ended this interface's capture, if one did. */
  error: LacpscopeError | null;
  /** The tcpdump process capturing on it. */
  pid: number | undefined;
}

export interface LiveSummary {
  /** Name the frames carry as their source: the --write file's base name, or `live`. */
  source: string;
  frames: number;
  /** Frames written to the --write file. */
  written: number;
  file: string | null;
  interfaces: InterfaceSummary[];
  error: LacpscopeError | null;
}

export interface LiveCapture {
  /** Resolves once every tcpdump is capturing; rejects (code LIVE) when one cannot start. */
  readonly ready: Promise<void>;
  /** Resolves when every tcpdump has exited and the file is closed. */
  readonly done: Promise<LiveSummary>;
  /** Stops every tcpdump (they flush what they hold first); resolves like `done`. */
  stop(): Promise<LiveSummary>;
  summary(): LiveSummary;
}

function liveError(message: string, cause?: unknown): LacpscopeError {
  return new LacpscopeError(ERROR_CODES.LIVE, message, cause === undefined ? {} : { cause });
}

/** The interfaces this machine has, for "no such interface" messages. */
export function availableInterfaces(): string[] {
  try {
    return readdirSync(SYS_CLASS_NET).sort();
  } catch {
    return [];
  }
}

function noSuchInterface(name: string): LacpscopeError {
  const list = availableInterfaces();
  const known = list.length ? `; available: ${list.join(', ')} (or any)` : '';
  return liveError(`no such interface '${name}'${known}`);
}

/** Where `command` would be run from, or null when it is not on PATH. */
export function findExecutable(command: string, env: NodeJS.ProcessEnv = process.env): string | null {
  const candidates = command.includes('/') ? [command] : (env.PATH ?? '').split(delimiter).filter(Boolean).map((d) => join(d, command));
  for (const c of candidates) {
    try {
      accessSync(c, constants.X_OK);
      return c;
    } catch {
      // not here: try the next PATH entry
    }
  }
  return null;
}

const TCPDUMP_MISSING = 'tcpdump not found: install it (Debian/Ubuntu: apt-get install tcpdump; Fedora: dnf install tcpdump)';

/** Turns tcpdump's complaint into a message with the fix. */
export function explainTcpdumpFailure(iface: string, stderrLines: readonly string[], code: number | null, signal: string | null): LacpscopeError {
  const text = stderrLines.join('\n');
  if (/permission|not permitted/i.test(text)) {
    return liveError(
      `no permission to capture on '${iface}': run as root, or let tcpdump capture: sudo setcap cap_net_raw,cap_net_admin=eip $(which tcpdump)`,
    );
  }
  if (/no such device|doesn't exist|no such interface/i.test(text)) return noSuchInterface(iface);
  if (/not up/i.test(text)) return liveError(`interface '${iface}' is down: bring it up with ip link set ${iface} up`);
  const last = [...stderrLines].reverse().find((l) => !isStatsLine(l) && !l.startsWith('tcpdump: listening on')) ?? '';
  const how = signal ? `was killed by ${signal}` : `exited with code ${code}`;
  return liveError(`tcpdump on '${iface}' ${how}${last ? `: ${last.replace(/^tcpdump: /, '')}` : ''}`);
}

const DROP_LINE = /(\d+) packets? dropped by kernel/;

/**
 * The kernel drop count in a line of tcpdump's statistics (printed on SIGUSR1 and at exit),
 * or null when the line carries none.
 */
export function droppedByKernel(line: string): number | null {
  const m = DROP_LINE.exec(line);
  return m ? Number(m[1]) : null;
}

function isStatsLine(line: string): boolean {
  return /^(tcpdump: )?\d+ packets? (captured|received by filter|dropped by)/.test(line);
}

/** The pcap file header's link type and snapshot length (tcpdump writes it before any frame). */
function pcapHeaderInfo(head: Uint8Array): { linkType: number; snaplen: number } | null {
  const magic = pcapMagic(head, 0);
  if (!magic) return null;
  return { snaplen: readU32(head, 16, magic.le), linkType: readU32(head, 20, magic.le) };
}

interface Capture {
  iface: string;
  child: ChildProcessByStdio<null, Readable, Readable>;
  reader: CaptureReader;
  head: Uint8Array | null;
  writerIf: number | null;
  stderr: string[];
  stderrTail: string;
  /** Capturing: tcpdump said so, or its stream began. */
  listening: boolean;
  /** Its "listening on" line was passed on. */
  announced: boolean;
  dropped: number | null;
  error: LacpscopeError | null;
  exited: boolean;
}

/**
 * Starts capturing. Throws a LacpscopeError (code LIVE) at once when tcpdump is missing or an
 * interface does not exist; later failures (permission, tcpdump exiting) reject `ready` when
 * they happen before capture starts, and are reported through `onStatus` afterwards.
 */
export function startLiveCapture(options: LiveOptions): LiveCapture {
  const env = options.env ?? process.env;
  const ifaces = [...new Set(options.interfaces)];
  if (ifaces.length === 0) throw liveError('no interface to capture on: give one with -i IFACE');
  const tcpdump = findExecutable(options.tcpdump ?? 'tcpdump', env);
  if (tcpdump === null) throw liveError(TCPDUMP_MISSING);
  if (existsSync(SYS_CLASS_NET)) {
    for (const i of ifaces) if (i !== 'any' && !existsSync(join(SYS_CLASS_NET, i))) throw noSuchInterface(i);
  }
  let writer: PcapngWriter | null = null;
  if (options.write !== undefined) {
    try {
      writer = new PcapngWriter(options.write, { application: 'lacpscope live' });
    } catch (error) {
      const e = error as NodeJS.ErrnoException;
      throw new LacpscopeError(ERROR_CODES.IO, `cannot create the --write file (${e.code ?? e.message})`, { file: options.write });
    }
  }

  const source = options.write !== undefined ? basename(options.write) : 'live';
  let frames = 0;
  let firstError: LacpscopeError | null = null;
  let stopping = false;
  const status = (s: LiveStatus) => options.onStatus?.(s);

  let resolveReady!: () => void;
  let rejectReady!: (e: LacpscopeError) => void;
  const ready = new Promise<void>((res, rej) => {
    resolveReady = res;
    rejectReady = rej;
  });
  ready.catch(() => undefined);
  let resolveDone!: (s: LiveSummary) => void;
  const done = new Promise<LiveSummary>((res) => (resolveDone = res));

  const summary = (): LiveSummary => ({
    source,
    frames,
    written: writer?.packets ?? 0,
    file: options.write ?? null,
    interfaces: captures.map((c) => ({ interface: c.iface, stats: { ...c.reader.stats, skipped: [...c.reader.stats.skipped] }, dropped: c.dropped, error: c.error, pid: c.child.pid })),
    error: firstError,
  });

  const onFrame = (c: Capture, frame: Frame) => {
    // One source in arrival order, numbered as the --write file numbers them, so that opening
    // the file later gives the same frames, indices and analysis.
    frame.source = source;
    frame.index = ++frames;
    if (writer && c.writerIf !== null) writer.writePacket(c.writerIf, frame.timeNs, frame.data, frame.originalLength, frame.direction);
    options.onFrame(frame);
  };

  const fail = (c: Capture, error: LacpscopeError) => {
    if (c.error) return;
    c.error = error;
    firstError ??= error;
    if (!c.listening) {
      // A start-up failure stops the whole capture: better one clear error than a partial view.
      rejectReady(error);
      stopAll();
    } else status({ kind: 'failed', interface: c.iface, error });
  };

  const checkReady = () => {
    if (captures.every((c) => c.listening)) resolveReady();
  };

  const onStderr = (c: Capture, chunk: Buffer) => {
    const lines = (c.stderrTail + chunk.toString('utf8')).split('\n');
    c.stderrTail = lines.pop() ?? '';
    for (const line of lines) handleStderrLine(c, line.trimEnd());
  };

  const handleStderrLine = (c: Capture, line: string) => {
    if (!line) return;
    if (!isStatsLine(line)) {
      // Kept for explaining an exit; the counters (asked for every second) would crowd it out.
      c.stderr.push(line);
      if (c.stderr.length > 20) c.stderr.shift();
    }
    const n = droppedByKernel(line);
    if (n !== null) {
      if (n !== c.dropped) {
        c.dropped = n;
        if (n > 0) status({ kind: 'drops', interface: c.iface, dropped: n });
      }
      return;
    }
    if (line.startsWith('tcpdump: listening on') && !c.announced) {
      c.announced = true;
      c.listening = true;
      status({ kind: 'listening', interface: c.iface, message: line.replace(/^tcpdump: /, '') });
      checkReady();
    }
  };

  const onStdout = (c: Capture, chunk: Buffer) => {
    if (c.error) return;
    let data: Uint8Array = chunk;
    if (c.writerIf === null && writer) {
      // Declare this interface in the file from the stream's own header (link type, snaplen).
      c.head = c.head ? concat(c.head, data) : data.slice();
      if (c.head.length < PCAP_FILE_HEADER) {
        return;
      }
      const info = pcapHeaderInfo(c.head);
      if (info) c.writerIf = writer.addInterface(c.iface, info.linkType, info.snaplen);
      data = c.head;
      c.head = null;
    }
    // Data means tcpdump is capturing even if its "listening" line has not been read yet.
    if (!c.listening) {
      c.listening = true;
      checkReady();
    }
    try {
      c.reader.push(data);
    } catch (error) {
      fail(c, error instanceof LacpscopeError ? liveError(`tcpdump on '${c.iface}' wrote an unreadable stream: ${error.message}`, error) : liveError(String(error)));
      c.child.kill('SIGTERM');
    }
  };

  const captures: Capture[] = [];
  for (const iface of ifaces) {
    const child = spawn(tcpdump, [...TCPDUMP_ARGS, '-i', iface, LIVE_FILTER], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env,
      // Its own process group: Ctrl-C reaches lacpscope alone, which stops tcpdump itself, so a
      // tcpdump that exits on its own is always a failure worth explaining.
      detached: true,
    });
    const cap: Capture = {
      iface,
      child,
      reader: createPcapReader(iface, (frame) => onFrame(cap, frame)),
      head: null,
      writerIf: writer ? null : -1,
      stderr: [],
      stderrTail: '',
      listening: false,
      announced: false,
      dropped: null,
      error: null,
      exited: false,
    };
    captures.push(cap);
    child.stdout.on('data', (chunk: Buffer) => onStdout(cap, chunk));
    child.stderr.on('data', (chunk: Buffer) => onStderr(cap, chunk));
    child.on('error', (error: NodeJS.ErrnoException) => {
      fail(cap, error.code === 'ENOENT' ? liveError(TCPDUMP_MISSING, error) : liveError(`cannot run ${tcpdump} (${error.code ?? error.message})`, error));
    });
    child.on('close', (code, signal) => {
      cap.exited = true;
      if (cap.stderrTail) handleStderrLine(cap, cap.stderrTail);
      cap.stderrTail = '';
      try {
        cap.reader.end();
      } catch {
        // A fatal stream error was already reported when it was pushed.
      }
      // Exiting is a failure unless lacpscope stopped it after it had started.
      if ((!stopping || !cap.listening) && !cap.error) fail(cap, explainTcpdumpFailure(iface, cap.stderr, code, signal));
      if (captures.every((x) => x.exited)) finish();
    });
  }

  const poll = setInterval(() => {
    for (const c of captures) if (!c.exited && c.listening) c.child.kill('SIGUSR1');
  }, DROP_POLL_MS);
  poll.unref();

  // Children die with the process even when it ends abruptly (an uncaught error, process.exit).
  const killOnExit = () => {
    for (const c of captures) if (!c.exited) c.child.kill('SIGKILL');
  };
  process.once('exit', killOnExit);

  let graceTimer: NodeJS.Timeout | null = null;
  function stopAll(): void {
    if (stopping) return;
    stopping = true;
    for (const c of captures) if (!c.exited) c.child.kill('SIGTERM');
    graceTimer = setTimeout(() => {
      for (const c of captures) if (!c.exited) c.child.kill('SIGKILL');
    }, STOP_GRACE_MS);
    graceTimer.unref();
  }

  let finished = false;
  function finish(): void {
    if (finished) return;
    finished = true;
    clearInterval(poll);
    if (graceTimer) clearTimeout(graceTimer);
    process.removeListener('exit', killOnExit);
    writer?.close();
    // Exited before saying "listening" yet without an error: cannot happen, but never hang `ready`.
    rejectReady(firstError ?? liveError('capture stopped before it started'));
    const s = summary();
    const drops = s.interfaces.reduce((n, i) => n + (i.dropped ?? 0), 0);
    const counts = `${frames} ${frames === 1 ? 'frame' : 'frames'} captured${drops ? `, ${drops} dropped by the kernel` : ''}${writer ? `, written to ${options.write}` : ''}`;
    const message = firstError ? `capture stopped: ${firstError.message} (${counts})` : `capture stopped (${counts})`;
    status({ kind: 'stopped', message, error: firstError });
    resolveDone(s);
  }

  return {
    ready,
    done,
    stop() {
      stopAll();
      return done;
    },
    summary,
  };
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}
