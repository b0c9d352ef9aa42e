/**
 * pcapng reader: any number of sections in either byte order, interface descriptions (name,
 * link type, snapshot length, if_tsresol, if_tsoffset), enhanced, simple and obsolete packet
 * blocks; every other block is skipped by its length after its trailer is checked.
 */
import { ERROR_CODES } from '../errors.js';
import { emptyStats, type CaptureReader, type Direction, type FrameSink, type SourceStats } from './frame.js';
import { slowPayloadOffset } from './linklayer.js';
import { fatal, makeFrame, noteLinkType, readU16, readU32, RecordStream, type UnitParser } from './pcap.js';

export const PCAPNG_SHB = 0x0a0d0d0a;
const BYTE_ORDER_MAGIC = 0x1a2b3c4d;
const BLOCK_IDB = 1;
const BLOCK_PB = 2;
const BLOCK_SPB = 3;
const BLOCK_EPB = 6;
/**
 * Blocks that hold a record other than a link-layer frame: custom blocks (copyable or not) and
 * systemd journal entries. Wireshark numbers them as frames, so they are counted to keep frame
 * numbers equal to Wireshark's.
 */
const BLOCK_CUSTOM = 0x00000bad;
const BLOCK_CUSTOM_NO_COPY = 0x40000bad;
const BLOCK_SYSTEMD_JOURNAL = 0x00000009;
const OPT_END = 0;
const IF_NAME = 2;
const IF_TSRESOL = 9;
const IF_TSOFFSET = 14;
/** epb_flags (and the obsolete block's pack_flags): bits 0-1 are the direction. */
const OPT_FLAGS = 2;
/** Wireshark's limit (wiretap MAX_BLOCK_SIZE): a longer block means a corrupt length. */
export const MAX_BLOCK = 16 * 1024 * 1024;
const MIN_BLOCK = 12;

interface Interface {
  name: string;
  linkType: number;
  snaplen: number;
  /** Timestamp units per second (10^n or 2^n) as given by if_tsresol; default microseconds. */
  unitsPerSecond: bigint;
  /** if_tsoffset: seconds added to every timestamp. */
  offsetSec: bigint;
}

const pad4 = (n: number): number => (n + 3) & ~3;

class PcapngParser implements UnitParser {
  /** Byte order of the current section; unknown until the first section header. */
  private le = true;
  private sectionSeen = false;
  private interfaces: Interface[] = [];
  private readonly linkTypesSeen = new Set<number>();
  /** The latest packet timestamp seen, in its interface's units; simple packet blocks have none. */
  private lastTsHi = 0;
  private lastTsLo = 0;
  private lastTsIf: Interface | null = null;

  constructor(
    private readonly name: string,
    private readonly stats: SourceStats,
    private readonly onFrame: FrameSink,
  ) {
    stats.format = 'pcapng';
  }

  private bad(message: string, offset: number): never {
    throw fatal(ERROR_CODES.PCAPNG_BAD_BLOCK, this.name, message, offset);
  }

  /** Byte order a section header declares (its block type is the same either way round). */
  private sectionOrder(buf: Uint8Array, pos: number, base: number): boolean {
    const m = readU32(buf, pos + 8, true);
    if (m === BYTE_ORDER_MAGIC) return true;
    if (readU32(buf, pos + 8, false) === BYTE_ORDER_MAGIC) return false;
    return this.bad('bad pcapng section header: expected the byte-order magic 1a2b3c4d', base + pos + 8);
  }

  /** Total length of the block at `buf[pos]`, validated; needs 12 bytes. */
  private blockLength(buf: Uint8Array, pos: number, base: number): number {
    const type = readU32(buf, pos, true);
    let le = this.le;
    if (type === PCAPNG_SHB) le = this.sectionOrder(buf, pos, base);
    else if (!this.sectionSeen) this.bad('not a pcapng file: expected a section header block (0a0d0d0a)', base + pos);
    const len = readU32(buf, pos + 4, le);
    if (len < MIN_BLOCK || len % 4 !== 0 || len > MAX_BLOCK) {
      this.bad(`bad pcapng block length ${len}: expected a multiple of 4 from ${MIN_BLOCK} to ${MAX_BLOCK}`, base + pos + 4);
    }
    return len;
  }

  need(buf: Uint8Array, pos: number, avail: number, base: number): number {
    if (avail < MIN_BLOCK) return MIN_BLOCK;
    return this.blockLength(buf, pos, base);
  }

  describeCut(buf: Uint8Array, avail: number, base: number): string {
    const need = this.need(buf, 0, avail, base);
    return avail < MIN_BLOCK
      ? `the capture ends inside a pcapng block header (${avail} of ${MIN_BLOCK} bytes)`
      : `the capture ends inside a pcapng block (${avail} of ${need} bytes)`;
  }

  parse(buf: Uint8Array, pos: number, end: number, base: number): number {
    let frames = this.stats.frames;
    try {
      while (end - pos >= MIN_BLOCK) {
        const type = this.le
          ? (buf[pos] | (buf[pos + 1] << 8) | (buf[pos + 2] << 16) | (buf[pos + 3] << 24)) >>> 0
          : ((buf[pos] << 24) | (buf[pos + 1] << 16) | (buf[pos + 2] << 8) | buf[pos + 3]) >>> 0;
        const len = this.blockLength(buf, pos, base);
        const next = pos + len;
        if (next > end) break;
        if (type === PCAPNG_SHB) {
          this.section(buf, pos, len, base);
        }
        const le = this.le;
        if (readU32(buf, next - 4, le) !== len) {
          this.bad(`bad pcapng block: trailing length ${readU32(buf, next - 4, le)} differs from the leading length ${len}`, base + next - 4);
        }
        if (type === BLOCK_EPB || type === BLOCK_PB) {
          if (len < 32) this.bad(`bad pcapng packet block: ${len} bytes is shorter than its fixed fields`, base + pos);
          const ifId = type === BLOCK_EPB ? readU32(buf, pos + 8, le) : readU16(buf, pos + 8, le);
          const ifc = this.interface(ifId, base + pos + 8);
          const caplen = readU32(buf, pos + 20, le);
          if (caplen > len - 32) {
            this.bad(`bad pcapng packet block: captured length ${caplen} runs past the block's end`, base + pos + 20);
          }
          this.lastTsHi = readU32(buf, pos + 12, le);
          this.lastTsLo = readU32(buf, pos + 16, le);
          this.lastTsIf = ifc;
          frames++;
          if (slowPayloadOffset(ifc.linkType, buf, pos + 28, pos + 28 + caplen) >= 0) {
            this.stats.frames = frames;
            this.emitTimed(buf, pos, len, ifc, caplen, base);
          }
        } else if (type === BLOCK_SPB) {
          if (len < 16) this.bad(`bad pcapng simple packet block: ${len} bytes is shorter than its fixed fields`, base + pos);
          const ifc = this.interface(0, base + pos);
          const origlen = readU32(buf, pos + 8, le);
          // The block stores min(original length, snaplen) bytes; snaplen 0 means unlimited.
          const caplen = Math.min(origlen, ifc.snaplen === 0 ? origlen : ifc.snaplen, len - 16);
          frames++;
          if (slowPayloadOffset(ifc.linkType, buf, pos + 12, pos + 12 + caplen) >= 0) {
            this.stats.frames = frames;
            this.emitSimple(buf, pos, ifc, caplen, origlen);
          }
        } else if (type === BLOCK_IDB) {
          this.describeInterface(buf, pos, len, base);
        } else if (type === BLOCK_CUSTOM || type === BLOCK_CUSTOM_NO_COPY || type === BLOCK_SYSTEMD_JOURNAL) {
          frames++;
        }
        pos = next;
      }
    } finally {
      // Also when a block is bad: the frames before it count, however the input was chunked.
      this.stats.frames = frames;
    }
    return pos;
  }

  private section(buf: Uint8Array, pos: number, len: number, base: number): void {
    this.le = this.sectionOrder(buf, pos, base);
    if (len < 28) this.bad(`bad pcapng section header: ${len} bytes is shorter than its fixed fields`, base + pos + 4);
    const major = readU16(buf, pos + 12, this.le);
    if (major !== 1) this.bad(`unsupported pcapng version ${major}.${readU16(buf, pos + 14, this.le)}: expected 1.x`, base + pos + 12);
    this.sectionSeen = true;
    // Interface ids are per section.
    this.interfaces = [];
  }

  private interface(id: number, offset: number): Interface {
    const ifc = this.interfaces[id];
    if (ifc === undefined) {
      this.bad(`pcapng packet block refers to interface ${id}, but the section declares ${this.interfaces.length}`, offset);
    }
    return ifc;
  }

  /** Walks the options in `buf[from, to)`, calling `each(code, valueAt, length)`. */
  private options(buf: Uint8Array, from: number, to: number, base: number, each: (code: number, at: number, length: number) => void): void {
    let p = from;
    while (to - p >= 4) {
      const code = readU16(buf, p, this.le);
      const length = readU16(buf, p + 2, this.le);
      if (code === OPT_END) return;
      if (p + 4 + length > to) this.bad(`bad pcapng option ${code}: its length ${length} runs past the block's end`, base + p + 2);
      each(code, p + 4, length);
      p += 4 + pad4(length);
    }
  }

  private describeInterface(buf: Uint8Array, pos: number, len: number, base: number): void {
    if (len < 20) this.bad(`bad pcapng interface description: ${len} bytes is shorter than its fixed fields`, base + pos);
    const id = this.interfaces.length;
    const ifc: Interface = {
      // Unnamed: the first interface of a section is the file itself, later ones are numbered.
      name: id === 0 ? this.name : `${this.name}#${id}`,
      linkType: readU16(buf, pos + 8, this.le),
      snaplen: readU32(buf, pos + 12, this.le),
      unitsPerSecond: 1_000_000n,
      offsetSec: 0n,
    };
    this.options(buf, pos + 16, pos + len - 4, base, (code, at, length) => {
      if (code === IF_NAME && length > 0) {
        // The string may carry a NUL terminator, which some writers include.
        let n = length;
        while (n > 0 && buf[at + n - 1] === 0) n--;
        const name = new TextDecoder().decode(buf.subarray(at, at + n));
        // dumpcap names a pipe or standard input `-`: no interface name worth showing.
        if (name !== '' && name !== '-') ifc.name = name;
      } else if (code === IF_TSRESOL && length >= 1) {
        const r = buf[at];
        ifc.unitsPerSecond = r & 0x80 ? 1n << BigInt(r & 0x7f) : 10n ** BigInt(r);
      } else if (code === IF_TSOFFSET && length >= 8) {
        const hi = readU32(buf, at + (this.le ? 4 : 0), this.le);
        const lo = readU32(buf, at + (this.le ? 0 : 4), this.le);
        ifc.offsetSec = BigInt.asIntN(64, (BigInt(hi) << 32n) | BigInt(lo));
      }
    });
    noteLinkType(this.stats, this.linkTypesSeen, ifc.linkType, base + pos + 8);
    this.interfaces.push(ifc);
  }

  /** Timestamp in the interface's units to nanoseconds, as Wireshark does (floor of the fraction). */
  private toNs(hi: number, lo: number, ifc: Interface): bigint {
    const ts = (BigInt(hi) << 32n) | BigInt(lo);
    const u = ifc.unitsPerSecond;
    const sec = ts / u;
    return (sec + ifc.offsetSec) * 1_000_000_000n + ((ts - sec * u) * 1_000_000_000n) / u;
  }

  private emitTimed(buf: Uint8Array, pos: number, len: number, ifc: Interface, caplen: number, base: number): void {
    const le = this.le;
    const origlen = readU32(buf, pos + 24, le);
    let direction: Direction = null;
    this.options(buf, pos + 28 + pad4(caplen), pos + len - 4, base, (code, at, length) => {
      if (code === OPT_FLAGS && length >= 4) {
        const d = readU32(buf, at, le) & 3;
        direction = d === 1 ? 'in' : d === 2 ? 'out' : null;
      }
    });
    this.deliver(this.toNs(this.lastTsHi, this.lastTsLo, ifc), ifc, buf, pos + 28, caplen, origlen, direction);
  }

  private emitSimple(buf: Uint8Array, pos: number, ifc: Interface, caplen: number, origlen: number): void {
    // A simple packet block has no timestamp: it gets the latest packet's, or 0 when none came
    // before, so that time order (and any merge) keeps it where the file put it.
    const timeNs = this.lastTsIf === null ? 0n : this.toNs(this.lastTsHi, this.lastTsLo, this.lastTsIf);
    this.deliver(timeNs, ifc, buf, pos + 12, caplen, origlen, null);
  }

  private deliver(timeNs: bigint, ifc: Interface, buf: Uint8Array, at: number, caplen: number, origlen: number, direction: Direction): void {
    const stats = this.stats;
    stats.slowFrames++;
    if (caplen < origlen) stats.snapCut++;
    this.onFrame(makeFrame(this.name, ifc.name, stats.frames, timeNs, ifc.linkType, buf, at, caplen, origlen, direction));
  }
}

/** Streaming pcapng reader; unnamed interfaces are named after `name` (the file's base name or `-`). */
export function createPcapngReader(name: string, onFrame: FrameSink): CaptureReader {
  const stats = emptyStats(name);
  return new RecordStream(stats, new PcapngParser(name, stats, onFrame));
}
