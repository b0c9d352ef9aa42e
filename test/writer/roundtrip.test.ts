/** The writers against the project's own readers: whatever is written reads back the same, however it is chunked. */
import { fc, test } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import { LINKTYPE, type CaptureReader, type Frame, type FrameSink } from '../../src/capture/frame.js';
import { createPcapReader } from '../../src/capture/pcap.js';
import { encodePcap } from '../../src/capture/pcap-writer.js';
import { createPcapngReader } from '../../src/capture/pcapng.js';
import { encodePcapng } from '../../src/capture/pcapng-writer.js';

/** A Slow Protocols Ethernet frame (the readers hand on only those) with arbitrary content. */
const slowFrame = fc.uint8Array({ minLength: 1, maxLength: 200 }).map((payload) => {
  const data = new Uint8Array(14 + payload.length);
  data.set([0x01, 0x80, 0xc2, 0x00, 0x00, 0x02, 0x02, 0x0a, 0x00, 0x00, 0x00, 0x01, 0x88, 0x09]);
  data.set(payload, 14);
  return data;
});
const time = fc.bigInt({ min: 0n, max: (1n << 32n) * 1_000_000_000n - 1n });
const record = fc.record({ timeNs: time, data: slowFrame, extra: fc.nat({ max: 1500 }) });

function readChunked(make: (name: string, sink: FrameSink) => CaptureReader, bytes: Uint8Array, cuts: number[]): { frames: Frame[]; reader: CaptureReader } {
  const frames: Frame[] = [];
  const reader = make('w', (f) => frames.push(f));
  const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
  let at = 0;
  for (const p of [...points, bytes.length]) {
    reader.push(bytes.subarray(at, p));
    at = p;
  }
  reader.end();
  return { frames, reader };
}

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

describe('writers read back by the project readers', () => {
  test.prop([fc.array(record, { maxLength: 30 }), fc.boolean(), fc.boolean(), fc.integer({ min: 15, max: 262144 }), fc.array(fc.nat(), { maxLength: 8 })])(
    'pcap: every record, time, length and byte, any byte order, resolution, snaplen and chunking',
    (records, nanosecond, bigEndian, snaplen, cuts) => {
      const recs = records.map((r) => ({ timeNs: r.timeNs, data: r.data, originalLength: r.data.length + r.extra }));
      const { frames, reader } = readChunked(createPcapReader, encodePcap(LINKTYPE.ETHERNET, recs, { nanosecond, bigEndian, snaplen }), cuts);
      expect(reader.stats.truncated).toBeNull();
      expect(reader.stats.frames).toBe(recs.length);
      expect(frames.map((f) => [f.timeNs, hex(f.data), f.capturedLength, f.originalLength])).toEqual(
        recs.map((r) => {
          const kept = r.data.subarray(0, snaplen);
          return [nanosecond ? r.timeNs : (r.timeNs / 1000n) * 1000n, hex(kept), kept.length, r.originalLength];
        }),
      );
    },
  );

  // `-` is dumpcap's name for a pipe, which the reader takes as no name (the file's name instead).
  const ifaceName = fc.string({ minLength: 1, maxLength: 20 }).filter((s) => !s.includes('\0') && s !== '-');
  test.prop([
    fc.array(fc.record({ name: ifaceName, tsresol9: fc.boolean() }), { minLength: 1, maxLength: 4 }),
    fc.array(fc.record({ r: record, ifPick: fc.nat(), direction: fc.constantFrom(null, 'in' as const, 'out' as const) }), { maxLength: 30 }),
    fc.boolean(),
    fc.array(fc.nat(), { maxLength: 8 }),
  ])('pcapng: interfaces by name, directions, ns or µs times, any byte order and chunking', (ifaces, packets, bigEndian, cuts) => {
    const pk = packets.map((p) => ({ interface: p.ifPick % ifaces.length, timeNs: p.r.timeNs, data: p.r.data, originalLength: p.r.data.length + p.r.extra, direction: p.direction }));
    const bytes = encodePcapng(ifaces.map((i) => ({ name: i.name, linkType: LINKTYPE.ETHERNET, tsresol9: i.tsresol9 })), pk, { bigEndian });
    const { frames, reader } = readChunked(createPcapngReader, bytes, cuts);
    expect(reader.stats.truncated).toBeNull();
    expect(reader.stats.frames).toBe(pk.length);
    expect(frames.map((f) => [f.interface, f.timeNs, hex(f.data), f.originalLength, f.direction])).toEqual(
      pk.map((p) => [ifaces[p.interface].name, ifaces[p.interface].tsresol9 ? p.timeNs : (p.timeNs / 1000n) * 1000n, hex(p.data), p.originalLength, p.direction]),
    );
  });
});
