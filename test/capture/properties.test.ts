/**
 * Property tests of the capture readers: arbitrary and corrupted input, cuts at every offset of
 * real captures, and arbitrary chunking. Never a throw other than the documented fatal
 * LacpscopeError, never a hang, and the same frames, counts and error however the input is split.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createAutoReader } from '../../src/capture/detect.js';
import { createPcapReader } from '../../src/capture/pcap.js';
import { createPcapngReader } from '../../src/capture/pcapng.js';
import { encodePcap } from '../../src/capture/pcap-writer.js';
import { BlockBuilder, cat, lacpFrame } from './blocks.js';
import { readSplit, summary, type ReaderFactory, type ReadResult } from './read.js';

const ROOT = join(import.meta.dirname, '../..');
const PUBLIC = join(ROOT, '../shared/captures/public');
const GENERATED = join(ROOT, 'captures/generated/capture');

/** Everything a read produced, as one comparable value. */
function outcome(r: ReadResult) {
  return { frames: summary(r.frames), stats: r.stats, error: r.error && { code: r.error.code, offset: r.error.offset, message: r.error.message } };
}

const cuts = (max: number) => fc.array(fc.integer({ min: 0, max }), { maxLength: 12 });

const le = new BlockBuilder(true);
const be = new BlockBuilder(false);

/** pcap records: mostly well-formed (slow or not, any length), some with garbage lengths. */
const pcapBody = fc
  .array(
    fc.oneof(
      fc.record({ t: fc.bigInt({ min: 0n, max: (1n << 32n) * 1_000_000_000n - 1n }), slow: fc.boolean(), len: fc.integer({ min: 0, max: 200 }) }).map(({ t, slow, len }) =>
        encodePcap(1, [{ timeNs: t, data: slow ? lacpFrame(len & 0xff).subarray(0, Math.max(len, 14)) : new Uint8Array(len) }]).subarray(24),
      ),
      fc.uint8Array({ maxLength: 40 }),
    ),
    { maxLength: 12 },
  )
  .map(cat);

/** pcapng blocks in either byte order, well-formed or with random bytes flipped. */
const pcapngBody = fc
  .array(
    fc.tuple(
      fc.boolean(),
      fc.oneof(
        fc.constant('shb'),
        fc.constant('idb'),
        fc.constant('epb'),
        fc.constant('spb'),
        fc.constant('pb'),
        fc.constant('other'),
        fc.constant('junk'),
      ),
      fc.integer({ min: 0, max: 3 }),
      fc.uint8Array({ maxLength: 24 }),
      fc.option(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { freq: 3 }),
    ),
    { maxLength: 10 },
  )
  .map((blocks) =>
    cat(
      blocks.map(([little, kind, n, bytes, flip]) => {
        const b = little ? le : be;
        const block =
          kind === 'shb' ? b.shb()
          : kind === 'idb' ? b.idb(n === 3 ? 276 : 1, { name: n ? `e${n}` : undefined, tsresol: n === 2 ? 0x80 | 10 : undefined, snaplen: n * 40 })
          : kind === 'epb' ? b.epb(n, BigInt(n) << 40n, lacpFrame(n).subarray(0, 14 + bytes.length * 4), { flags: n })
          : kind === 'spb' ? b.spb(lacpFrame(n))
          : kind === 'pb' ? b.pb(n, 7n, lacpFrame(n))
          : kind === 'other' ? b.block(0x20 + n, [bytes])
          : bytes;
        if (flip && block.length > 0) {
          const copy = block.slice();
          copy[flip[0] % copy.length] = flip[1];
          return copy;
        }
        return block;
      }),
    ),
  );

/** `points` are taken modulo the input's length + 1, so that every input gets cuts inside it. */
function assertSplitInvariant(make: ReaderFactory, bytes: Uint8Array, points: number[]): void {
  // readSplit rethrows anything that is not a LacpscopeError: that fails the property.
  const whole = readSplit(make, bytes);
  const split = readSplit(make, bytes, points.map((p) => p % (bytes.length + 1)));
  expect(outcome(split)).toEqual(outcome(whole));
  // Frames are numbered within the count of frames read, in order.
  const indexes = whole.frames.map((f) => f.index);
  expect(indexes).toEqual([...indexes].sort((a, b) => a - b));
  expect(whole.stats.slowFrames).toBe(whole.frames.length);
  if (indexes.length) expect(indexes.at(-1)).toBeLessThanOrEqual(whole.stats.frames);
}

describe('capture reader properties', () => {
  const pcapHeader = encodePcap(1, []);
  const ngHeader = cat([le.shb(), le.idb(1)]);
  const after = (header: Uint8Array) => (body: Uint8Array) => cat([header, body]);
  const cases: [string, fc.Arbitrary<Uint8Array>, ReaderFactory][] = [
    ['pcap: arbitrary records after a valid header', pcapBody.map(after(pcapHeader)), createPcapReader],
    ['pcap: arbitrary bytes after a valid header', fc.uint8Array({ maxLength: 600 }).map(after(pcapHeader)), createPcapReader],
    ['pcapng: arbitrary bytes after a valid header', fc.uint8Array({ maxLength: 600 }).map(after(ngHeader)), createPcapngReader],
    ['pcapng: arbitrary, partly corrupted blocks after a valid header', pcapngBody.map(after(ngHeader)), createPcapngReader],
    ['format detector: any input at all', fc.oneof(fc.uint8Array({ maxLength: 300 }), pcapngBody, pcapBody.map(after(pcapHeader))), createAutoReader],
  ];
  for (const [what, input, make] of cases) {
    it(`${what}, any chunking`, () => {
      fc.assert(
        fc.property(input, cuts(1 << 16), (bytes, points) => {
          assertSplitInvariant(make, bytes, points);
        }),
        { numRuns: 400 },
      );
    });
  }
});

function realCaptures(): { name: string; bytes: Uint8Array }[] {
  const out: { name: string; bytes: Uint8Array }[] = [];
  const add = (dir: string, names: string[]) => {
    for (const n of names) out.push({ name: n, bytes: readFileSync(join(dir, n)) });
  };
  add(GENERATED, readdirSync(GENERATED).filter((n) => /\.pcap(ng)?$/.test(n)));
  if (existsSync(PUBLIC)) {
    add(PUBLIC, ['tcpdump/LACP.pcap', 'tcpdump/slow-ossp.pcap', 'ddos-gen/only_lacp.pcap', 'wireshark-samplecaptures/lacp1.pcap', 'icebale-readthedocs/lacp1.pcapng']);
  }
  return out;
}

describe('real captures cut at every offset and split anywhere', () => {
  for (const { name, bytes } of realCaptures()) {
    it(name, () => {
      const whole = readSplit(createAutoReader, bytes, [], name);
      expect(whole.error).toBeNull();
      expect(whole.stats.truncated).toBeNull();
      const full = summary(whole.frames);
      let boundaries = 0;
      for (let n = 4; n < bytes.length; n++) {
        const cut = readSplit(createAutoReader, bytes.subarray(0, n), [], name);
        expect(cut.error).toBeNull();
        // Every complete frame before the cut, and only those (compared whole at the last one).
        const count = cut.frames.length;
        if (count > 0) expect(summary(cut.frames.slice(-1))).toEqual(full.slice(count - 1, count));
        expect(cut.frames.map((f) => f.index)).toEqual(whole.frames.slice(0, count).map((f) => f.index));
        const next = whole.frames[count];
        if (next !== undefined) expect(cut.stats.frames).toBeLessThan(next.index);
        if (cut.stats.truncated === null) boundaries++;
        else expect(cut.stats.truncated.offset).toBeLessThanOrEqual(n);
      }
      // Cuts between records are not truncations: one per record boundary (and after the header).
      expect(boundaries).toBeGreaterThanOrEqual(whole.stats.frames - 1);
      fc.assert(
        fc.property(cuts(bytes.length), (points) => {
          expect(outcome(readSplit(createAutoReader, bytes, points, name))).toEqual(outcome(whole));
        }),
        { numRuns: 50 },
      );
    });
  }
});
