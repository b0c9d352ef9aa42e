import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { LINKTYPE } from '../../src/capture/frame.js';
import { encodePcap, writePcap, type PcapRecord } from '../../src/capture/pcap-writer.js';
import { encodePcapng, MemorySink, PcapngWriter } from '../../src/capture/pcapng-writer.js';
import { toHex, tsharkAvailable, tsharkRead } from './tshark.js';

const dir = mkdtempSync(join(tmpdir(), 'lacpscope-writer-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Deterministic pseudo-random frames of mixed sizes (xorshift, so failures reproduce). */
function makeFrames(count: number, seed: number): PcapRecord[] {
  let s = seed >>> 0 || 1;
  const next = (): number => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s;
  };
  const frames: PcapRecord[] = [];
  let t = 1_700_000_000_123_456_789n;
  for (let i = 0; i < count; i++) {
    const len = 14 + (next() % 300);
    const data = new Uint8Array(len);
    for (let j = 0; j < len; j++) data[j] = next() & 0xff;
    t += BigInt(next() % 3_000_000_000);
    frames.push({ timeNs: t, data });
  }
  return frames;
}

/** tshark prints epoch seconds with nine decimals; µs files end in 000. */
function epoch(ns: bigint, nanosecond: boolean): string {
  const sec = ns / 1_000_000_000n;
  const frac = ns % 1_000_000_000n;
  const f = nanosecond ? frac : (frac / 1000n) * 1000n;
  return `${sec}.${f.toString().padStart(9, '0')}`;
}

describe.skipIf(!tsharkAvailable)('pcap writer read back by tshark (tshark not installed: skipped)', () => {
  const frames = makeFrames(40, 7);
  // A record longer than the snapshot length, and one whose wire length exceeds what was captured.
  frames.push({ timeNs: 1_700_000_100_000_000_001n, data: new Uint8Array(400).fill(0xab) });
  frames.push({ timeNs: 1_700_000_100_000_000_002n, data: new Uint8Array(60).fill(0xcd), originalLength: 1514 });
  const snaplen = 256;

  for (const nanosecond of [false, true]) {
    for (const bigEndian of [false, true]) {
      it(`${nanosecond ? 'ns' : 'µs'} ${bigEndian ? 'big' : 'little'}-endian: same times, lengths and bytes`, () => {
        const path = join(dir, `w-${nanosecond}-${bigEndian}.pcap`);
        writePcap(path, LINKTYPE.ETHERNET, frames, { nanosecond, bigEndian, snaplen });
        const bytes = readFileSync(path);
        expect(bytes.readUInt32BE(0)).toBe(bigEndian ? (nanosecond ? 0xa1b23c4d : 0xa1b2c3d4) : (nanosecond ? 0x4d3cb2a1 : 0xd4c3b2a1));
        const got = tsharkRead(path);
        expect(got).toHaveLength(frames.length);
        got.forEach((p, i) => {
          const f = frames[i];
          expect(p.timeEpoch).toBe(epoch(f.timeNs, nanosecond));
          expect(p.len).toBe(f.originalLength ?? f.data.length);
          expect(p.capLen).toBe(Math.min(f.data.length, snaplen));
          expect(p.hex).toBe(toHex(f.data.subarray(0, snaplen)));
        });
      });
    }
  }

  it('encodePcap gives the same bytes writePcap writes', () => {
    const path = join(dir, 'same.pcap');
    writePcap(path, LINKTYPE.LINUX_SLL2, frames, { nanosecond: true });
    expect(Buffer.compare(readFileSync(path), Buffer.from(encodePcap(LINKTYPE.LINUX_SLL2, frames, { nanosecond: true })))).toBe(0);
  });
});

describe.skipIf(!tsharkAvailable)('pcapng writer read back by tshark (tshark not installed: skipped)', () => {
  const frames = makeFrames(30, 99);
  const names = ['veth-a', 'bond0-member-with-a-long-name', 'x'];
  const directions = [null, 'in', 'out'] as const;

  for (const bigEndian of [false, true]) {
    for (const tsresol9 of [true, false]) {
      it(`${bigEndian ? 'big' : 'little'}-endian, ${tsresol9 ? 'ns' : 'µs'} interfaces: names, directions, times, bytes`, () => {
        const path = join(dir, `w-${bigEndian}-${tsresol9}.pcapng`);
        const packets = frames.map((f, i) => ({
          interface: i % names.length,
          timeNs: f.timeNs,
          data: f.data,
          originalLength: i === 5 ? f.data.length + 100 : undefined,
          direction: directions[i % 3],
        }));
        writeFileSync(path, encodePcapng(names.map((name) => ({ name, linkType: LINKTYPE.ETHERNET, tsresol9 })), packets, { bigEndian }));
        const got = tsharkRead(path);
        expect(got).toHaveLength(packets.length);
        got.forEach((p, i) => {
          const q = packets[i];
          expect(p.interfaceName).toBe(names[q.interface]);
          expect(p.timeEpoch).toBe(epoch(q.timeNs, tsresol9));
          expect(p.len).toBe(q.originalLength ?? q.data.length);
          expect(p.capLen).toBe(q.data.length);
          expect(p.direction).toBe(q.direction === 'in' ? '1' : q.direction === 'out' ? '2' : '');
          expect(p.hex).toBe(toHex(q.data));
        });
      });
    }
  }

  it('a file written through a path holds every packet before close (nothing buffered in the process)', () => {
    const path = join(dir, 'unclosed.pcapng');
    const w = new PcapngWriter(path, { application: 'lacpscope test' });
    const ifc = w.addInterface('eth9', LINKTYPE.ETHERNET);
    let size = statSync(path).size;
    for (const f of frames.slice(0, 5)) {
      w.writePacket(ifc, f.timeNs, f.data);
      const now = statSync(path).size;
      expect(now).toBeGreaterThan(size);
      size = now;
    }
    // Read while still open, as after a crash.
    const got = tsharkRead(path);
    expect(got.map((p) => p.hex)).toEqual(frames.slice(0, 5).map((f) => toHex(f.data)));
    w.close();
    expect(() => w.writePacket(ifc, 0n, new Uint8Array(14))).toThrow(/closed/);
  });

  it('rejects a packet for an interface never declared', () => {
    const w = new PcapngWriter(new MemorySink());
    w.addInterface('a', LINKTYPE.ETHERNET);
    expect(() => w.writePacket(1, 0n, new Uint8Array(14))).toThrow(/no interface 1/);
  });
});
