/**
 * Reader for the text tcpdump prints (`tcpdump -v`, `-vv`, `-e`, `-n`, `-#`, `-x`/`-xx`/`-X`/`-XX`,
 * every `-t` style, Ethernet and `-i any`), streaming: chunks may split lines and UTF-8 sequences
 * anywhere. Each Slow Protocols packet becomes a Frame as soon as its text is complete: at the next
 * packet line (or the end of input), or at its terminator once earlier frames have shown that no hex
 * dump follows one.
 *
 * Bytes: a full-frame hex dump (-xx/-XX) is taken as it is; a payload dump (-x/-X) gets a link
 * header built from the -e / `-i any` fields (zeros where none were printed); otherwise the payload
 * is rebuilt from the printed fields and the per-TLV dumps of -vv. Where tcpdump printed only part of
 * a frame (no -v, a version it does not decode, a snapshot cut) the frame holds the bytes known, and
 * its original length says how long it was; `stats.skipped` says why, once per reason.
 *
 * What is counted: `stats.frames` counts packet lines (lines that start with a frame number or a
 * time stamp, or, under -t, with a link-layer prefix, a slow-protocol header or a known protocol
 * name), slow or not; `stats.slowFrames` the frames handed on. Other lines (tcpdump's own notes,
 * shell prompts, continuation lines of other protocols) are not frames and are passed over.
 *
 * Time: `-tt` and `-tttt` stamps are absolute (`-tttt` read as UTC, as with TZ=GMT0). A time of day
 * without a date is placed on `options.date` (YYYY-MM-DD, UTC), by default 1970-01-01, and a stamp
 * more than 12 hours earlier than the one before is taken as the next day. `-ttt` deltas add up
 * from the previous packet (`options.deltas: 'first'` for `-ttttt`, which prints the same way) and
 * start at midnight of that date; `-t` gives every frame that midnight.
 */
import { ERROR_CODES, LacpscopeError } from '../errors.js';
import { slowPayloadOffset } from './linklayer.js';
import { frameInterface } from './pcap.js';
import { emptyStats, LINKTYPE, NOT_A_CAPTURE, type CaptureReader, type Frame, type FrameSink } from './frame.js';
import { buildFrame, SlowBlock } from './tcpdump-text-block.js';
import { CONTINUATION, barePacketLine, directionOf, parsePacketLine, type PacketLine, type Stamp } from './tcpdump-text-lines.js';

export interface TcpdumpTextOptions {
  /** Date (YYYY-MM-DD, UTC) for time-of-day stamps; default 1970-01-01. */
  date?: string;
  /** What `HH:MM:SS` deltas count from: the previous packet (-ttt, default) or the first (-ttttt). */
  deltas?: 'previous' | 'first';
}

export const DEFAULT_TEXT_DATE = '1970-01-01';
/** Longest line kept; longer ones are not tcpdump output and are reported, not buffered. */
const MAX_LINE = 64 * 1024;
/** Skipped lines listed one by one; beyond, one entry counts them. */
const MAX_SKIPPED = 1000;
const NS_PER_SEC = 1_000_000_000n;
const NS_PER_DAY = 86_400n * NS_PER_SEC;
const HALF_DAY = NS_PER_DAY / 2n;
const LINK_TYPE_NAMES: Readonly<Record<string, number>> = {
  EN10MB: LINKTYPE.ETHERNET,
  LINUX_SLL: LINKTYPE.LINUX_SLL,
  LINUX_SLL2: LINKTYPE.LINUX_SLL2,
};

function midnightNs(date: string, what: string): bigint {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  const ms = m ? Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) : NaN;
  if (!m || Number.isNaN(ms) || new Date(ms).toISOString().slice(0, 10) !== date) {
    throw new LacpscopeError(ERROR_CODES.USAGE, `${what}: expected a date as YYYY-MM-DD, got "${date}"`);
  }
  return BigInt(ms) * 1_000_000n;
}

/** Turns printed stamps into nanoseconds since the epoch, in order. */
class Clock {
  private prevTod: bigint | null = null;
  private day = 0n;
  private prev: bigint | null = null;
  private first: bigint | null = null;
  /** The first stamp was 00:00:00.000000 with no other cue: -ttt/-ttttt with indentation stripped. */
  private clockIsDelta = false;
  private seen = false;

  constructor(
    private readonly base: bigint,
    private readonly deltas: 'previous' | 'first',
  ) {}

  toNs(s: Stamp): bigint {
    const within = s.seconds * NS_PER_SEC + s.nanos;
    let kind = s.kind;
    if (!this.seen && kind === 'clock' && within === 0n) this.clockIsDelta = true;
    if (kind === 'clock' && this.clockIsDelta) kind = 'delta';
    if (kind !== 'none') this.seen = true;
    let t: bigint;
    switch (kind) {
      case 'date':
        t = midnightNs(s.date ?? DEFAULT_TEXT_DATE, 'time stamp') + within;
        break;
      case 'epoch':
        t = within;
        break;
      case 'clock':
        if (this.prevTod !== null && this.prevTod - within > HALF_DAY) this.day++;
        this.prevTod = within;
        t = this.base + this.day * NS_PER_DAY + within;
        break;
      case 'delta': {
        const d = s.negative ? -within : within;
        const from = this.deltas === 'first' ? this.first : this.prev;
        t = (from ?? this.base) + d;
        break;
      }
      default:
        t = this.prev ?? this.base;
    }
    if (this.first === null) this.first = t;
    this.prev = t;
    return t;
  }
}

/**
 * The SLL2 interface name tcpdump printed; where it could not resolve the index (`?`) or printed
 * none, the binary readers' name for it (`source:ifindexN`).
 */
function interfaceOf(head: PacketLine, name: string): string {
  const { ifName, ifIndex } = head.link;
  if (ifName !== null && ifName !== '?') return ifName;
  return frameInterface(name, head.link.linkType ?? LINKTYPE.ETHERNET, ifIndex);
}

interface OpenBlock {
  head: PacketLine;
  offset: number;
  line: number;
  index: number;
  timeNs: bigint;
  slow: SlowBlock | null;
  /** Its frame went out before the next packet line (see `continues`). */
  emitted: boolean;
}

export function createTcpdumpTextReader(name: string, onFrame: FrameSink, options: TcpdumpTextOptions = {}): CaptureReader {
  const stats = emptyStats(name);
  stats.format = 'tcpdump-text';
  const clock = new Clock(midnightNs(options.date ?? DEFAULT_TEXT_DATE, 'date'), options.deltas ?? 'previous');
  const decoder = new TextDecoder('utf-8');
  let pending: Uint8Array[] = [];
  let pendingLength = 0;
  let overlong = false;
  let lineStart = 0;
  let lineNo = 0;
  let linkTypeHint: number | null = null;
  let block: OpenBlock | null = null;
  let ended = false;
  let lastBlank = false;
  /** Some non-blank line was read: text with no packet line at all is then not a capture. */
  let sawText = false;
  /** Whether a full-frame hex dump followed the terminator of the last complete slow frame (unknown before one). */
  let dumpsFollow: boolean | null = null;

  let unlisted: { offset: number; message: string } | null = null;
  let unlistedCount = 0;
  let unlistedFirst = 0;
  function skip(offset: number, line: number, message: string): void {
    if (stats.skipped.length < MAX_SKIPPED) {
      stats.skipped.push({ offset, message: `line ${line}: ${message}` });
      return;
    }
    // Past the limit one entry counts the rest, so garbage input cannot grow the list without end.
    unlistedCount++;
    if (!unlisted) {
      unlisted = { offset, message: '' };
      unlistedFirst = line;
      stats.skipped.push(unlisted);
    }
    unlisted.message = `line ${unlistedFirst} and ${unlistedCount - 1} more lines after it not read (not listed one by one)`;
  }

  /**
   * One entry per reason for frames passed on with only what tcpdump printed (plain `tcpdump`
   * text has no fields for any frame): where it first happened and how often.
   */
  const partial = new Map<string, { entry: { offset: number; message: string }; count: number; first: string }>();
  function notePartial(b: OpenBlock, why: string): void {
    let p = partial.get(why);
    if (!p) {
      p = { entry: { offset: b.offset, message: '' }, count: 0, first: `line ${b.line}: frame ${b.index}` };
      partial.set(why, p);
      stats.skipped.push(p.entry);
    }
    p.count++;
    p.entry.message = `${p.first}${p.count > 1 ? ` and ${p.count - 1} more` : ''}: passed on with only what tcpdump printed: ${why}`;
  }

  /** Emits the open block's frame; `cutAt`: the text ended mid-line there. */
  function closeBlock(cutAt: number | null = null): void {
    const b = block;
    block = null;
    if (!b || !b.slow || b.emitted) return;
    emit(b, cutAt);
  }

  function emit(b: OpenBlock, cutAt: number | null): void {
    if (!b.slow) return;
    b.emitted = true;
    const built = buildFrame(b.slow);
    if (b.slow.terminated()) dumpsFollow = built.fromDump;
    // A packet line with nothing after its prefix is a slow frame only if tcpdump said so, or if
    // the hex dump under it (an EtherType tcpdump does not decode, such as 802.1ad under SLL2) is one.
    const tentative = b.head.emptyTail && !b.head.slowBare && !b.slow.confirmed;
    if (tentative && !(built.fromDump && slowPayloadOffset(built.linkType, built.data, 0, built.data.length) >= 0)) return;
    const frame: Frame = {
      source: name,
      interface: interfaceOf(b.head, name),
      index: b.index,
      timeNs: b.timeNs,
      linkType: built.linkType,
      direction: directionOf(b.head.link.packetType),
      capturedLength: built.data.length,
      originalLength: built.originalLength,
      data: built.data,
    };
    if (built.rebuilt) frame.rebuilt = true;
    if (built.snapCut) stats.snapCut++;
    if (built.partial !== null && cutAt !== null) {
      stats.truncated = { offset: cutAt, message: `text ends inside the lines of frame ${b.index}` };
    } else if (built.partial !== null && !built.snapCut) {
      notePartial(b, built.partial);
    }
    stats.slowFrames++;
    onFrame(frame);
  }

  /** Feeds a line to the open slow block; true when it is one of its continuation lines. */
  /**
   * Feeds a line to the open slow block; true when it is one of its continuation lines. Once the
   * text has shown that no hex dump follows a terminator, a frame goes out at its terminator
   * rather than at the next packet line, so text piped from a running tcpdump shows it at once.
   */
  function continues(trimmed: string): boolean {
    const b = block;
    if (!b?.slow) return false;
    const used = b.slow.line(trimmed);
    if (used && !b.emitted && dumpsFollow === false && b.slow.ended()) emit(b, null);
    return used;
  }

  function handleLine(raw: string, offset: number): void {
    lineNo++;
    const text = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    const trimmed = text.trim();
    const afterBlank = lastBlank;
    lastBlank = trimmed === '';
    if (trimmed === '') return;
    sawText = true;
    // Under -t without -e a slow frame too short for a subtype prints an empty packet line.
    const bare = afterBlank && CONTINUATION.tooShort.test(trimmed);
    const head = bare ? barePacketLine() : continues(trimmed) ? null : parsePacketLine(text);
    if (!head) {
      const lt = CONTINUATION.linkTypeNote.exec(trimmed);
      if (lt && block === null && LINK_TYPE_NAMES[lt[1]] !== undefined) linkTypeHint = LINK_TYPE_NAMES[lt[1]];
      return;
    }
    closeBlock();
    stats.frames++;
    const index = head.frameNumber ?? stats.frames;
    const timeNs = clock.toNs(head.stamp);
    let slow: SlowBlock | null = null;
    if (head.slow || head.slowBare || head.emptyTail) slow = new SlowBlock(head, linkTypeHint);
    if (bare) slow?.line(trimmed);
    if (head.slowUnreadable) skip(offset, lineNo, `frame ${index}: a Slow Protocols packet line lacpscope cannot read: "${trimmed.slice(0, 160)}"`);
    block = { head, offset, line: lineNo, index, timeNs, slow, emitted: false };
  }

  function appendPending(piece: Uint8Array): void {
    if (overlong) return;
    if (pendingLength + piece.length > MAX_LINE) {
      overlong = true;
      pending = [];
      pendingLength = 0;
      return;
    }
    // A copy: the caller may reuse its buffer.
    pending.push(Uint8Array.from(piece));
    pendingLength += piece.length;
  }

  function finishLine(nextStart: number, last: Uint8Array | null): void {
    const offset = lineStart;
    lineStart = nextStart;
    if (overlong) {
      overlong = false;
      lineNo++;
      skip(offset, lineNo, `a line longer than ${MAX_LINE} bytes is not tcpdump output; ignored`);
      return;
    }
    const bytes = pending.length === 0 ? (last ?? new Uint8Array(0)) : Buffer.concat(last ? [...pending, last] : pending);
    pending = [];
    pendingLength = 0;
    handleLine(decoder.decode(bytes), offset);
  }

  return {
    stats,
    push(chunk: Uint8Array): void {
      if (ended) return;
      let from = 0;
      while (from < chunk.length) {
        const nl = chunk.indexOf(0x0a, from);
        if (nl < 0) {
          appendPending(chunk.subarray(from));
          break;
        }
        const piece = chunk.subarray(from, nl);
        if (!overlong && pendingLength + piece.length > MAX_LINE) appendPending(piece);
        finishLine(stats.bytes + nl + 1, overlong ? null : piece);
        from = nl + 1;
      }
      stats.bytes += chunk.length;
    },
    end(): void {
      if (ended) return;
      ended = true;
      const unterminated = pendingLength > 0 || overlong;
      const cutAt = lineStart;
      if (unterminated) finishLine(stats.bytes, null);
      closeBlock(unterminated ? cutAt : null);
      // Text in which no line looked like tcpdump output (a README, a CSV) is not a capture.
      if (stats.frames === 0 && sawText) {
        throw new LacpscopeError(
          ERROR_CODES.UNKNOWN_FORMAT,
          `${NOT_A_CAPTURE}; no line of this text is a tcpdump packet line`,
          { file: name, offset: 0 },
        );
      }
    },
  };
}
