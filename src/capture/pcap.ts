/**
 * Classic pcap (libpcap savefile) reader: either byte order, microsecond (a1b2c3d4) or
 * nanosecond (a1b23c4d) magic, any snapshot length. Also the chunk-carrying machinery the
 * pcapng reader shares: records are parsed in place in whatever chunk holds them, and only a
 * record cut by a chunk boundary is copied (into a reused carry buffer).
 */
import { LacpscopeError, ERROR_CODES, type ErrorCode } from '../errors.js';
import { emptyStats, LINKTYPE, type CaptureReader, type Direction, type Frame, type FrameSink, type SourceStats } from './frame.js';
import { parseLinkHeader, slowPayloadOffset } from './linklayer.js';

export const PCAP_MAGIC_US = 0xa1b2c3d4;
export const PCAP_MAGIC_NS = 0xa1b23c4d;
const FILE_HEADER = 24;
const RECORD_HEADER = 16;
/**
 * Largest record accepted: libpcap's maximum snapshot length for Ethernet-like links
 * (MAXIMUM_SNAPLEN). A larger captured length means a corrupt header, and trusting it would
 * make the reader buffer gigabytes; libpcap rejects such files the same way.
 */
export const MAX_CAPLEN = 262144;

/**
 * A format's parsing rules, driven by `RecordStream`. `parse` consumes whole units (file
 * header, records, blocks) from `buf[pos, end)` and returns where the first incomplete one
 * starts; `need` says how many bytes the unit starting at `buf[pos]` needs in total, given
 * `avail` bytes of it (at least `avail + 1` while its length is still unknown).
 * `base` is the absolute input offset of `buf[0]`, for error messages and stats.
 */
export interface UnitParser {
  parse(buf: Uint8Array, pos: number, end: number, base: number): number;
  need(buf: Uint8Array, pos: number, avail: number, base: number): number;
  /** Describes a unit cut by the end of input, for `stats.truncated`. */
  describeCut(buf: Uint8Array, avail: number, base: number): string;
}

/**
 * Feeds chunks to a UnitParser: units wholly inside a chunk are parsed there; the tail of a
 * chunk (a partial unit) is carried over and completed from the next chunk, so the same bytes
 * give the same result however they are split.
 */
export class RecordStream implements CaptureReader {
  private carry = new Uint8Array(64 * 1024);
  private carryLen = 0;
  /** Absolute offset of the first byte not yet parsed (the carry's first byte when it holds any). */
  private consumed = 0;
  private failed: LacpscopeError | null = null;

  constructor(
    readonly stats: SourceStats,
    private readonly parser: UnitParser,
  ) {}

  push(chunk: Uint8Array): void {
    if (this.failed) throw this.failed;
    try {
      this.pushUnchecked(chunk);
    } catch (e) {
      if (e instanceof LacpscopeError) {
        this.failed = e;
        // The input is used up to the fault, however it was chunked.
        if (e.offset !== undefined) this.stats.bytes = e.offset;
      }
      throw e;
    }
  }

  private pushUnchecked(chunk: Uint8Array): void {
    this.stats.bytes += chunk.length;
    let pos = 0;
    while (this.carryLen > 0) {
      const need = this.parser.need(this.carry, 0, this.carryLen, this.consumed);
      if (need > this.carryLen) {
        const take = Math.min(need - this.carryLen, chunk.length - pos);
        this.append(chunk, pos, take);
        pos += take;
        if (this.carryLen < need) return;
        // The unit's length may only now be known (its header completed): ask again.
        continue;
      }
      const stop = this.parser.parse(this.carry, 0, this.carryLen, this.consumed);
      this.consumed += stop;
      // The carry holds exactly one unit, so it is now parsed whole.
      this.carryLen = 0;
    }
    const stop = this.parser.parse(chunk, pos, chunk.length, this.consumed - pos);
    this.consumed += stop - pos;
    this.append(chunk, stop, chunk.length - stop);
  }

  private append(src: Uint8Array, from: number, n: number): void {
    if (n <= 0) return;
    if (this.carryLen + n > this.carry.length) {
      const bigger = new Uint8Array(Math.max(this.carry.length * 2, this.carryLen + n));
      bigger.set(this.carry.subarray(0, this.carryLen));
      this.carry = bigger;
    }
    this.carry.set(src.subarray(from, from + n), this.carryLen);
    this.carryLen += n;
  }

  end(): void {
    if (this.failed) throw this.failed;
    if (this.carryLen > 0 && this.stats.truncated === null) {
      this.stats.truncated = { offset: this.consumed, message: this.parser.describeCut(this.carry, this.carryLen, this.consumed) };
    }
    this.carryLen = 0;
  }
}

export function fatal(code: ErrorCode, name: string, message: string, offset: number): LacpscopeError {
  return new LacpscopeError(code, message, { file: name, offset });
}

/** Records each unsupported link type once in `stats.skipped`: its frames are counted, not decoded. */
export function noteLinkType(stats: SourceStats, seen: Set<number>, linkType: number, offset: number): void {
  if (linkType === LINKTYPE.ETHERNET || linkType === LINKTYPE.LINUX_SLL || linkType === LINKTYPE.LINUX_SLL2) return;
  if (seen.has(linkType)) return;
  seen.add(linkType);
  stats.skipped.push({
    offset,
    message: `link type ${linkType} is not decoded (only Ethernet 1, Linux cooked 113 and 276): its frames are counted and skipped`,
  });
}

/**
 * Interface of a frame: Linux cooked v2 frames carry the capturing interface's index (offline
 * its name is unknown), so each index is its own interface, named after the capture's
 * interface (`any`, or the file name) plus `:ifindexN`.
 */
export function frameInterface(captureInterface: string, linkType: number, ifIndex: number | null): string {
  return linkType === LINKTYPE.LINUX_SLL2 && ifIndex !== null ? `${captureInterface}:ifindex${ifIndex}` : captureInterface;
}

/**
 * Builds the Frame for a slow record found at `buf[at, at + caplen)`: copies its bytes (the
 * buffer is reused) and takes direction and SLL2 interface index from the cooked header.
 * `direction` from the container (pcapng flags), when it says, wins over the header's.
 */
export function makeFrame(
  source: string,
  captureInterface: string,
  index: number,
  timeNs: bigint,
  linkType: number,
  buf: Uint8Array,
  at: number,
  caplen: number,
  origlen: number,
  direction: Direction,
): Frame {
  const data = new Uint8Array(caplen);
  data.set(buf.subarray(at, at + caplen));
  const link = linkType === LINKTYPE.ETHERNET ? null : parseLinkHeader(linkType, data);
  return {
    source,
    interface: frameInterface(captureInterface, linkType, link?.ifIndex ?? null),
    index,
    timeNs,
    linkType,
    direction: direction ?? link?.direction ?? null,
    capturedLength: caplen,
    originalLength: origlen,
    data,
  };
}

export function readU32(buf: Uint8Array, p: number, le: boolean): number {
  return le
    ? (buf[p] | (buf[p + 1] << 8) | (buf[p + 2] << 16) | (buf[p + 3] << 24)) >>> 0
    : ((buf[p] << 24) | (buf[p + 1] << 16) | (buf[p + 2] << 8) | buf[p + 3]) >>> 0;
}

export function readU16(buf: Uint8Array, p: number, le: boolean): number {
  return le ? buf[p] | (buf[p + 1] << 8) : (buf[p] << 8) | buf[p + 1];
}

/** The pcap magic at `buf[pos]`: byte order and resolution, or null when it is none. */
export function pcapMagic(buf: Uint8Array, pos: number): { le: boolean; nanosecond: boolean } | null {
  for (const le of [true, false]) {
    const m = readU32(buf, pos, le);
    if (m === PCAP_MAGIC_US) return { le, nanosecond: false };
    if (m === PCAP_MAGIC_NS) return { le, nanosecond: true };
  }
  return null;
}

class PcapParser implements UnitParser {
  private headerDone = false;
  private le = true;
  private nanosecond = false;
  private linkType = 0;
  private readonly linkTypesSeen = new Set<number>();

  constructor(
    private readonly name: string,
    private readonly stats: SourceStats,
    private readonly onFrame: FrameSink,
  ) {
    stats.format = 'pcap';
  }

  need(buf: Uint8Array, pos: number, avail: number, base: number): number {
    if (!this.headerDone) return FILE_HEADER;
    if (avail < RECORD_HEADER) return RECORD_HEADER;
    return RECORD_HEADER + this.caplen(buf, pos, base);
  }

  describeCut(buf: Uint8Array, avail: number, base: number): string {
    if (!this.headerDone) return `the capture ends inside the pcap file header (${avail} of ${FILE_HEADER} bytes)`;
    const need = this.need(buf, 0, avail, base);
    const what = avail < RECORD_HEADER ? 'record header' : `record of frame ${this.stats.frames + 1}`;
    return `the capture ends inside the ${what} (${avail} of ${need} bytes)`;
  }

  private caplen(buf: Uint8Array, pos: number, base: number): number {
    const caplen = readU32(buf, pos + 8, this.le);
    if (caplen > MAX_CAPLEN) {
      throw fatal(
        ERROR_CODES.PCAP_BAD_HEADER,
        this.name,
        `bad pcap record header: captured length ${caplen} exceeds the maximum of ${MAX_CAPLEN} bytes`,
        base + pos,
      );
    }
    return caplen;
  }

  private readHeader(buf: Uint8Array, pos: number, base: number): void {
    const magic = pcapMagic(buf, pos);
    if (magic === null) {
      throw fatal(ERROR_CODES.PCAP_BAD_HEADER, this.name, 'not a pcap file: expected the magic number a1b2c3d4 or a1b23c4d', base + pos);
    }
    this.le = magic.le;
    this.nanosecond = magic.nanosecond;
    const major = readU16(buf, pos + 4, this.le);
    if (major !== 2) {
      throw fatal(ERROR_CODES.PCAP_BAD_HEADER, this.name, `unsupported pcap version ${major}.${readU16(buf, pos + 6, this.le)}: expected 2.x`, base + pos + 4);
    }
    // The top bits of the link-type field carry FCS information (LINKTYPE_FCS_*), not the type.
    this.linkType = readU32(buf, pos + 20, this.le) & 0xffff;
    noteLinkType(this.stats, this.linkTypesSeen, this.linkType, base + pos + 20);
    this.headerDone = true;
  }

  parse(buf: Uint8Array, pos: number, end: number, base: number): number {
    if (!this.headerDone) {
      if (end - pos < FILE_HEADER) return pos;
      this.readHeader(buf, pos, base);
      pos += FILE_HEADER;
    }
    const le = this.le;
    const linkType = this.linkType;
    let frames = this.stats.frames;
    try {
      while (end - pos >= RECORD_HEADER) {
        const caplen = le
          ? (buf[pos + 8] | (buf[pos + 9] << 8) | (buf[pos + 10] << 16) | (buf[pos + 11] << 24)) >>> 0
          : ((buf[pos + 8] << 24) | (buf[pos + 9] << 16) | (buf[pos + 10] << 8) | buf[pos + 11]) >>> 0;
        if (caplen > MAX_CAPLEN) this.caplen(buf, pos, base); // throws, naming the offset
        const next = pos + RECORD_HEADER + caplen;
        if (next > end) break;
        frames++;
        if (slowPayloadOffset(linkType, buf, pos + RECORD_HEADER, next) >= 0) {
          this.stats.frames = frames;
          this.emit(buf, pos, caplen);
        }
        pos = next;
      }
    } finally {
      this.stats.frames = frames;
    }
    return pos;
  }

  private emit(buf: Uint8Array, pos: number, caplen: number): void {
    const sec = readU32(buf, pos, this.le);
    const frac = readU32(buf, pos + 4, this.le);
    const origlen = readU32(buf, pos + 12, this.le);
    const timeNs = BigInt(sec) * 1_000_000_000n + BigInt(this.nanosecond ? frac : frac * 1000);
    const stats = this.stats;
    stats.slowFrames++;
    if (caplen < origlen) stats.snapCut++;
    this.onFrame(makeFrame(this.name, this.name, stats.frames, timeNs, this.linkType, buf, pos + RECORD_HEADER, caplen, origlen, null));
  }
}

/** Streaming classic-pcap reader; frames are named after `name` (the file's base name or `-`). */
export function createPcapReader(name: string, onFrame: FrameSink): CaptureReader {
  const stats = emptyStats(name);
  return new RecordStream(stats, new PcapParser(name, stats, onFrame));
}
