/**
 * pcapng writer: one section, one Interface Description Block per interface, Enhanced
 * Packet Blocks with the direction flag. Every block goes out in one synchronous write, so
 * whatever was handed over is in the file (the kernel's page cache) even if the process is
 * killed a moment later: the live view's `--write` file never lags behind the screen.
 */
import { closeSync, openSync, writeSync } from 'node:fs';
import type { Direction } from './frame.js';
import { DEFAULT_SNAPLEN } from './pcap-writer.js';

/** Anything that takes whole blocks synchronously. */
export interface BlockSink {
  write(block: Uint8Array): void;
}

export interface PcapngWriterOptions {
  /** Big-endian blocks (byte-order magic 1A2B3C4D read as such), for reader fixtures. */
  bigEndian?: boolean;
  /** shb_userappl; omitted when empty. */
  application?: string;
}

const BLOCK_SHB = 0x0a0d0d0a;
const BLOCK_IDB = 0x00000001;
const BLOCK_EPB = 0x00000006;
const BYTE_ORDER_MAGIC = 0x1a2b3c4d;
const OPT_END = 0;
const SHB_USERAPPL = 4;
const IF_NAME = 2;
const IF_TSRESOL = 9;
const EPB_FLAGS = 2;
/** epb_flags bits 0-1: 1 inbound, 2 outbound. */
const EPB_DIRECTION: Record<'in' | 'out', number> = { in: 1, out: 2 };

interface Option {
  code: number;
  value: Uint8Array;
}

const pad4 = (n: number): number => (n + 3) & ~3;

/** Collects blocks in memory: tests and fixtures. */
export class MemorySink implements BlockSink {
  private readonly chunks: Uint8Array[] = [];
  write(block: Uint8Array): void {
    this.chunks.push(block.slice());
  }
  bytes(): Uint8Array {
    const total = this.chunks.reduce((n, c) => n + c.length, 0);
    const out = new Uint8Array(total);
    let at = 0;
    for (const c of this.chunks) {
      out.set(c, at);
      at += c.length;
    }
    return out;
  }
}

/** Writes to a file descriptor with writeSync, looping over short writes. */
export class FdSink implements BlockSink {
  constructor(readonly fd: number) {}
  write(block: Uint8Array): void {
    let done = 0;
    while (done < block.length) done += writeSync(this.fd, block, done, block.length - done);
  }
}

interface InterfaceInfo {
  name: string;
  linkType: number;
  snaplen: number;
  nanosecond: boolean;
}

export class PcapngWriter {
  private readonly sink: BlockSink;
  private readonly le: boolean;
  private readonly ownedFd: number | null;
  private readonly interfaces: InterfaceInfo[] = [];
  private closed = false;
  /** Packets written so far. */
  packets = 0;

  /** `out`: a file descriptor, a path (created or truncated, closed by `close()`), or a sink. */
  constructor(out: number | string | BlockSink, options: PcapngWriterOptions = {}) {
    this.le = !(options.bigEndian ?? false);
    if (typeof out === 'string') {
      this.ownedFd = openSync(out, 'w');
      this.sink = new FdSink(this.ownedFd);
    } else if (typeof out === 'number') {
      this.ownedFd = null;
      this.sink = new FdSink(out);
    } else {
      this.ownedFd = null;
      this.sink = out;
    }
    const shbOptions: Option[] = [];
    if (options.application) shbOptions.push({ code: SHB_USERAPPL, value: new TextEncoder().encode(options.application) });
    this.writeBlock(BLOCK_SHB, 16, (v) => {
      v.setUint32(8, BYTE_ORDER_MAGIC, this.le);
      v.setUint16(12, 1, this.le);
      v.setUint16(14, 0, this.le);
      // Section length -1: unknown, which lets the section be appended to as it grows.
      v.setBigInt64(16, -1n, this.le);
    }, shbOptions);
  }

  /**
   * Declares an interface; returns its id for `writePacket`. `tsresol9` (default true) stores
   * nanosecond timestamps (if_tsresol=9); false keeps the pcapng default of microseconds.
   */
  addInterface(name: string, linkType: number, snaplen: number = DEFAULT_SNAPLEN, tsresol9 = true): number {
    this.assertOpen();
    const options: Option[] = [];
    if (name) options.push({ code: IF_NAME, value: new TextEncoder().encode(name) });
    if (tsresol9) options.push({ code: IF_TSRESOL, value: Uint8Array.of(9) });
    this.writeBlock(BLOCK_IDB, 8, (v) => {
      v.setUint16(8, linkType, this.le);
      v.setUint16(10, 0, this.le);
      v.setUint32(12, snaplen, this.le);
    }, options);
    this.interfaces.push({ name, linkType, snaplen, nanosecond: tsresol9 });
    return this.interfaces.length - 1;
  }

  /** Appends one packet; `data` is stored as given (the caller has already applied any snaplen). */
  writePacket(ifId: number, timeNs: bigint, data: Uint8Array, originalLength: number = data.length, direction: Direction = null): void {
    this.assertOpen();
    const ifc = this.interfaces[ifId];
    if (ifc === undefined) throw new RangeError(`pcapng writer: no interface ${ifId} (${this.interfaces.length} declared)`);
    const ts = BigInt.asUintN(64, ifc.nanosecond ? timeNs : timeNs / 1000n);
    const options: Option[] = [];
    if (direction !== null) {
      const flags = new Uint8Array(4);
      new DataView(flags.buffer).setUint32(0, EPB_DIRECTION[direction], this.le);
      options.push({ code: EPB_FLAGS, value: flags });
    }
    const body = 20 + pad4(data.length);
    this.writeBlock(BLOCK_EPB, body, (v, bytes) => {
      v.setUint32(8, ifId, this.le);
      v.setUint32(12, Number(ts >> 32n), this.le);
      v.setUint32(16, Number(ts & 0xffffffffn), this.le);
      v.setUint32(20, data.length, this.le);
      v.setUint32(24, originalLength, this.le);
      bytes.set(data, 28);
    }, options);
    this.packets++;
  }

  /** Blocks are written synchronously as they are made; nothing is buffered here. */
  flush(): void {}

  /** Closes the file when the writer opened it; further writes throw. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.ownedFd !== null) closeSync(this.ownedFd);
  }

  private assertOpen(): void {
    if (this.closed) throw new Error('pcapng writer: already closed');
  }

  /** Block = type, length, body (`bodyLength` bytes filled by `fill`), options, length again. */
  private writeBlock(type: number, bodyLength: number, fill: (v: DataView, bytes: Uint8Array) => void, options: Option[]): void {
    let optLength = 0;
    for (const o of options) optLength += 4 + pad4(o.value.length);
    if (options.length > 0) optLength += 4;
    const total = 8 + bodyLength + optLength + 4;
    const bytes = new Uint8Array(total);
    const v = new DataView(bytes.buffer);
    v.setUint32(0, type, this.le);
    v.setUint32(4, total, this.le);
    fill(v, bytes);
    let at = 8 + bodyLength;
    for (const o of options) {
      v.setUint16(at, o.code, this.le);
      v.setUint16(at + 2, o.value.length, this.le);
      bytes.set(o.value, at + 4);
      at += 4 + pad4(o.value.length);
    }
    if (options.length > 0) {
      v.setUint16(at, OPT_END, this.le);
      v.setUint16(at + 2, 0, this.le);
      at += 4;
    }
    v.setUint32(at, total, this.le);
    this.sink.write(bytes);
  }
}

export interface PcapngPacket {
  interface: number;
  timeNs: bigint;
  data: Uint8Array;
  originalLength?: number;
  direction?: Direction;
}

/** Builds a whole pcapng in memory (fixtures, tests). */
export function encodePcapng(
  interfaces: { name: string; linkType: number; snaplen?: number; tsresol9?: boolean }[],
  packets: Iterable<PcapngPacket>,
  options: PcapngWriterOptions = {},
): Uint8Array {
  const sink = new MemorySink();
  const w = new PcapngWriter(sink, options);
  for (const i of interfaces) w.addInterface(i.name, i.linkType, i.snaplen, i.tsresol9);
  for (const p of packets) w.writePacket(p.interface, p.timeNs, p.data, p.originalLength, p.direction ?? null);
  return sink.bytes();
}
