/**
 * Classic pcap writer (libpcap format): used by tests and the frame generator to build
 * fixtures in every variant the readers must accept (either byte order, µs or ns magic,
 * any snapshot length, records cut by it).
 */
import { writeFileSync } from 'node:fs';

export interface PcapRecord {
  timeNs: bigint;
  /** Bytes from the link-layer header on; cut to the snapshot length when longer. */
  data: Uint8Array;
  /** Length on the wire; defaults to `data.length`. May exceed what is stored. */
  originalLength?: number;
}

export interface PcapWriteOptions {
  /** Nanosecond magic (a1b23c4d) instead of microseconds (a1b2c3d4). */
  nanosecond?: boolean;
  /** Write big-endian headers, as a big-endian host's libpcap does. */
  bigEndian?: boolean;
  /** Snapshot length in the file header; longer records are cut to it. Default 262144. */
  snaplen?: number;
}

const MAGIC_US = 0xa1b2c3d4;
const MAGIC_NS = 0xa1b23c4d;
const FILE_HEADER = 24;
const RECORD_HEADER = 16;
export const DEFAULT_SNAPLEN = 262144;

/** Split nanoseconds into whole seconds and a fraction in the file's unit (floor, so never negative). */
export function splitTime(timeNs: bigint, nanosecond: boolean): { sec: number; frac: number } {
  let sec = timeNs / 1_000_000_000n;
  let rem = timeNs % 1_000_000_000n;
  if (rem < 0n) {
    sec -= 1n;
    rem += 1_000_000_000n;
  }
  return { sec: Number(BigInt.asUintN(32, sec)), frac: Number(nanosecond ? rem : rem / 1000n) };
}

export function encodePcap(linkType: number, frames: Iterable<PcapRecord>, options: PcapWriteOptions = {}): Uint8Array {
  const ns = options.nanosecond ?? false;
  const le = !(options.bigEndian ?? false);
  const snaplen = options.snaplen ?? DEFAULT_SNAPLEN;
  const list = [...frames];
  let total = FILE_HEADER;
  for (const f of list) total += RECORD_HEADER + Math.min(f.data.length, snaplen);
  const out = new Uint8Array(total);
  const v = new DataView(out.buffer);
  v.setUint32(0, ns ? MAGIC_NS : MAGIC_US, le);
  v.setUint16(4, 2, le);
  v.setUint16(6, 4, le);
  // thiszone and sigfigs stay zero, as every modern writer leaves them.
  v.setUint32(16, snaplen, le);
  v.setUint32(20, linkType, le);
  let at = FILE_HEADER;
  for (const f of list) {
    const caplen = Math.min(f.data.length, snaplen);
    const { sec, frac } = splitTime(f.timeNs, ns);
    v.setUint32(at, sec, le);
    v.setUint32(at + 4, frac, le);
    v.setUint32(at + 8, caplen, le);
    v.setUint32(at + 12, f.originalLength ?? f.data.length, le);
    out.set(f.data.subarray(0, caplen), at + RECORD_HEADER);
    at += RECORD_HEADER + caplen;
  }
  return out;
}

export function writePcap(path: string, linkType: number, frames: Iterable<PcapRecord>, options: PcapWriteOptions = {}): void {
  writeFileSync(path, encodePcap(linkType, frames, options));
}
