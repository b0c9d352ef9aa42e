import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createPcapngReader } from '../../src/capture/pcapng.js';
import { encodePcapng } from '../../src/capture/pcapng-writer.js';
import { formatTimeNs } from '../../src/capture/frame.js';
import { ERROR_CODES } from '../../src/errors.js';
import { buildSll2Frame } from '../../src/decode/encode.js';
import { BlockBuilder, cat, lacpFrame, otherFrame } from './blocks.js';
import { readSplit, summary } from './read.js';
import { tsharkAvailable, tsharkRead } from '../writer/tshark.js';

const T0 = 1_700_000_000_123_456_789n;
const le = new BlockBuilder(true);
const be = new BlockBuilder(false);

describe('pcapng reader', () => {
  for (const bigEndian of [false, true]) {
    it(`reads the writer's ${bigEndian ? 'big' : 'little'}-endian files: interfaces, directions, ns times`, () => {
      const bytes = encodePcapng(
        [{ name: 'eth0', linkType: 1 }, { name: 'eth1', linkType: 1, tsresol9: false }],
        [
          { interface: 0, timeNs: T0, data: otherFrame(800) },
          { interface: 1, timeNs: T0 + 5_000n, data: lacpFrame(1), direction: 'in' },
          { interface: 0, timeNs: T0 + 7n, data: lacpFrame(2, [{ id: 4 }]), direction: 'out' },
          { interface: 0, timeNs: T0 + 9n, data: lacpFrame(3) },
        ],
        { bigEndian },
      );
      const { frames, stats, error } = readSplit(createPcapngReader, bytes, [], 'x.pcapng');
      expect(error).toBeNull();
      expect(frames.map((f) => [f.index, f.interface, f.timeNs, f.direction])).toEqual([
        [2, 'eth1', ((T0 + 5_000n) / 1000n) * 1000n, 'in'],
        [3, 'eth0', T0 + 7n, 'out'],
        [4, 'eth0', T0 + 9n, null],
      ]);
      expect(frames[1].data).toEqual(lacpFrame(2, [{ id: 4 }]));
      expect(stats).toMatchObject({ format: 'pcapng', frames: 4, slowFrames: 3, bytes: bytes.length, truncated: null, snapCut: 0 });
    });
  }

  it('applies if_tsresol in both forms and if_tsoffset', () => {
    const bytes = cat([
      le.shb(),
      le.idb(1, { name: 'ms', tsresol: 3 }),
      le.idb(1, { name: 'pow2', tsresol: 0x80 | 20 }),
      le.idb(1, { name: 'ps', tsresol: 12, tsoffset: -100n }),
      le.idb(1, { name: 'offset', tsoffset: 1_000_000_000n }),
      le.epb(0, 1_700_000_000_123n, lacpFrame(1)),
      // 2^20 units per second: 3.5 s plus one unit, i.e. 953.67431640625 ns, floored.
      le.epb(1, (3n << 20n) + (1n << 19n) + 1n, lacpFrame(2)),
      le.epb(2, 12_345_678_123_456_789_012n, lacpFrame(3)),
      le.epb(3, 1_234_567n, lacpFrame(4)),
    ]);
    const { frames, error } = readSplit(createPcapngReader, bytes);
    expect(error).toBeNull();
    expect(frames.map((f) => formatTimeNs(f.timeNs))).toEqual([
      '1700000000.123000000',
      '3.500000953',
      '12345578.123456789',
      '1000000001.234567000',
    ]);
  });

  it('reads simple packet blocks (latest timestamp, snaplen cut) and obsolete packet blocks', () => {
    const bytes = cat([
      le.shb(),
      le.idb(1, { name: 'a', snaplen: 100 }),
      // No timestamp seen yet: 0.
      le.spb(lacpFrame(1).subarray(0, 100), 124),
      le.epb(0, 5_000_000n, otherFrame(64)),
      le.spb(lacpFrame(2).subarray(0, 100), 124),
      le.pb(0, 6_000_000n, lacpFrame(3), { flags: 2 }),
    ]);
    const { frames, stats, error } = readSplit(createPcapngReader, bytes);
    expect(error).toBeNull();
    expect(frames.map((f) => [f.index, f.timeNs, f.capturedLength, f.originalLength, f.direction])).toEqual([
      [1, 0n, 100, 124, null],
      [3, 5_000_000_000n, 100, 124, null],
      [4, 6_000_000_000n, 124, 124, 'out'],
    ]);
    expect(stats).toMatchObject({ frames: 4, slowFrames: 3, snapCut: 2 });
  });

  it('reads several sections of either byte order; interface ids start again in each', () => {
    const bytes = cat([
      le.shb(),
      le.idb(1, { name: 'first' }),
      le.epb(0, 1n, lacpFrame(1)),
      be.shb(),
      be.block(0x99, [Uint8Array.of(1, 2, 3)]), // unknown block, skipped
      be.idb(1),
      be.idb(1, { name: 'second' }),
      be.epb(1, 2n, lacpFrame(2)),
      be.epb(0, 3n, lacpFrame(3), { flags: 1 }),
      le.shb(),
      le.idb(1),
      le.epb(0, 4n, lacpFrame(4)),
    ]);
    const { frames, stats, error } = readSplit(createPcapngReader, bytes, [], 'multi.pcapng');
    expect(error).toBeNull();
    expect(frames.map((f) => [f.index, f.interface, f.timeNs, f.direction])).toEqual([
      [1, 'first', 1000n, null],
      [2, 'second', 2000n, null],
      [3, 'multi.pcapng', 3000n, 'in'],
      [4, 'multi.pcapng', 4000n, null],
    ]);
    expect(stats.frames).toBe(4);
  });

  it('names unnamed interfaces after the file, numbering all but the first; `-` counts as unnamed', () => {
    const bytes = cat([le.shb(), le.idb(1, { name: '-' }), le.idb(1), le.idb(1, { name: 'eth2\0' }), le.epb(0, 1n, lacpFrame(1)), le.epb(1, 1n, lacpFrame(2)), le.epb(2, 1n, lacpFrame(3))]);
    expect(readSplit(createPcapngReader, bytes, [], 'f.pcapng').frames.map((f) => f.interface)).toEqual(['f.pcapng', 'f.pcapng#1', 'eth2']);
  });

  it('names Linux cooked v2 frames after the capture interface and their interface index', () => {
    const payload = lacpFrame(1).subarray(14);
    const bytes = cat([
      le.shb(),
      le.idb(276, { name: 'any' }),
      le.epb(0, 1n, buildSll2Frame({ src: '02:00:00:00:00:01', ifIndex: 4, direction: 'out', payload })),
      // The block's own direction flag wins over the cooked header's packet type.
      le.epb(0, 2n, buildSll2Frame({ src: '02:00:00:00:00:01', ifIndex: 9, direction: 'out', payload }), { flags: 1 }),
    ]);
    expect(readSplit(createPcapngReader, bytes).frames.map((f) => [f.interface, f.direction])).toEqual([
      ['any:ifindex4', 'out'],
      ['any:ifindex9', 'in'],
    ]);
  });

  it('counts frames of unsupported link types and records each type once', () => {
    const bytes = cat([le.shb(), le.idb(105), le.idb(105), le.idb(1), le.epb(0, 1n, lacpFrame(1)), le.epb(1, 1n, lacpFrame(1)), le.epb(2, 1n, lacpFrame(1))]);
    const { frames, stats } = readSplit(createPcapngReader, bytes);
    expect(frames.map((f) => f.index)).toEqual([3]);
    expect(stats.frames).toBe(3);
    expect(stats.skipped).toHaveLength(1);
    expect(stats.skipped[0].message).toContain('link type 105');
  });

  describe('fatal errors name the offset', () => {
    const shb = le.shb();
    const idb = le.idb(1);
    const epb = le.epb(0, 1n, lacpFrame(1));
    const at = shb.length + idb.length;
    const cases: [string, () => Uint8Array, number, RegExp][] = [
      ['trailer differs', () => { const b = cat([shb, idb, epb]); b[b.length - 4] ^= 4; return b; }, at + epb.length - 4, /trailing length/],
      ['length not a multiple of 4', () => { const b = cat([shb, idb, epb]); b[at + 4] += 1; return b; }, at + 4, /block length/],
      ['length too small', () => { const b = cat([shb, idb, epb]); new DataView(b.buffer).setUint32(at + 4, 8, true); return b; }, at + 4, /block length 8/],
      ['undeclared interface', () => cat([shb, le.epb(1, 1n, lacpFrame(1))]), shb.length + 8, /interface 1/],
      ['caplen past the block', () => { const b = cat([shb, idb, epb]); new DataView(b.buffer).setUint32(at + 20, 500, true); return b; }, at + 20, /captured length 500/],
      ['no section header first', () => cat([idb, shb]), 0, /section header/],
      ['bad byte-order magic', () => { const b = cat([shb, idb]); b[8] = 0; return b; }, 8, /byte-order magic/],
      ['option past the block', () => { const b = cat([shb, le.idb(1, { name: 'eth0' })]); b[shb.length + 16 + 2] = 40; return b; }, shb.length + 18, /option 2/],
    ];
    for (const [what, make, offset, message] of cases) {
      it(what, () => {
        const bytes = make();
        for (const cuts of [[], [offset + 1], [3, offset]]) {
          const { error } = readSplit(createPcapngReader, bytes, cuts, 'bad.pcapng');
          expect(error).toMatchObject({ code: ERROR_CODES.PCAPNG_BAD_BLOCK, offset, file: 'bad.pcapng' });
          expect(error?.message).toMatch(message);
        }
      });
    }
  });

  it('uses every complete block of a file cut mid-block and reports where', () => {
    const blocks = [le.shb(), le.idb(1), le.epb(0, 1n, lacpFrame(1)), le.epb(0, 2n, lacpFrame(2))];
    const bytes = cat(blocks);
    const lastStart = bytes.length - blocks[3].length;
    for (const cut of [lastStart + 5, lastStart + 12, bytes.length - 4]) {
      const { frames, stats, error } = readSplit(createPcapngReader, bytes.subarray(0, cut));
      expect(error).toBeNull();
      expect(frames.map((f) => f.index)).toEqual([1]);
      expect(stats.truncated?.offset).toBe(lastStart);
    }
  });

  it('gives identical frames and stats at every single split point', () => {
    const bytes = cat([le.shb(), le.idb(1, { name: 'a', tsresol: 9 }), le.epb(0, T0, lacpFrame(1), { flags: 2 }), be.shb(), be.idb(276), be.spb(otherFrame(70)), be.epb(0, 5n, lacpFrame(2))]);
    const whole = readSplit(createPcapngReader, bytes);
    for (let cut = 0; cut <= bytes.length; cut++) {
      const split = readSplit(createPcapngReader, bytes, [cut]);
      expect(summary(split.frames)).toEqual(summary(whole.frames));
      expect(split.stats).toEqual(whole.stats);
    }
  });
});

describe.skipIf(!tsharkAvailable)('pcapng reader agrees with tshark on hand-built blocks', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lacpscope-pcapng-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('times, lengths, interface names, directions and bytes', () => {
    const bytes = cat([
      le.shb(),
      le.idb(1, { name: 'eth0', tsresol: 0x80 | 30 }),
      le.idb(1, { name: 'eth1', tsresol: 9, tsoffset: 3600n }),
      le.idb(1, { name: 'eth2', snaplen: 80 }),
      le.epb(0, (1_700_000_000n << 30n) + 123_456_789n, lacpFrame(1), { flags: 1 }),
      le.epb(1, T0, lacpFrame(2, [{ id: 9 }]), { flags: 2 }),
      le.pb(2, 1_700_000_000_000_001n, lacpFrame(3).subarray(0, 80), { origlen: 124 }),
      be.shb(),
      be.idb(1, { name: 'eth3', tsresol: 3 }),
      be.epb(0, 1_700_000_000_999n, lacpFrame(4)),
      be.block(0x99, [new Uint8Array(8)]), // unknown: skipped
      be.block(0x40000bad, [new Uint8Array(8)]), // custom: a frame without a link-layer frame, as Wireshark counts it
      be.epb(0, 1_700_000_001_000n, otherFrame(100)),
    ]);
    const path = join(dir, 'blocks.pcapng');
    writeFileSync(path, bytes);
    const ref = tsharkRead(path);
    const { frames, stats, error } = readSplit(createPcapngReader, bytes);
    expect(error).toBeNull();
    expect(stats.frames).toBe(ref.length);
    const slow = ref.map((p, i) => ({ ...p, index: i + 1 })).filter((p) => p.hex.startsWith('0180c2000002'));
    expect(frames.map((f) => [f.index, formatTimeNs(f.timeNs), f.originalLength, f.capturedLength, Buffer.from(f.data).toString('hex')])).toEqual(
      slow.map((p) => [p.index, p.timeEpoch, p.len, p.capLen, p.hex]),
    );
    // tshark 4.0 looks up names of later sections' interfaces in the first section: compare the first only.
    expect(frames.slice(0, 3).map((f) => f.interface)).toEqual(slow.slice(0, 3).map((p) => p.interfaceName));
    expect(frames[3].interface).toBe('eth3');
    expect(frames.map((f) => f.direction)).toEqual(slow.map((p) => (p.direction === '1' ? 'in' : p.direction === '2' ? 'out' : null)));
  });
});
