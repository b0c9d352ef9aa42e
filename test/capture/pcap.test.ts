import { describe, expect, it } from 'vitest';
import { createPcapReader, MAX_CAPLEN } from '../../src/capture/pcap.js';
import { encodePcap, type PcapRecord } from '../../src/capture/pcap-writer.js';
import { ERROR_CODES } from '../../src/errors.js';
import { buildSll2Frame, buildSllFrame, encodeLacpPayload } from '../../src/decode/encode.js';
import { lacpFrame, otherFrame } from './blocks.js';
import { readSplit, summary } from './read.js';

const T0 = 1_700_000_000_123_456_789n;

/** Non-slow, slow, non-slow, tagged slow, QinQ slow: indexes 2, 4 and 5 are slow. */
function mixed(): PcapRecord[] {
  return [
    { timeNs: T0, data: otherFrame(60) },
    { timeNs: T0 + 1_000n, data: lacpFrame(1) },
    { timeNs: T0 + 2_000n, data: otherFrame(1514) },
    { timeNs: T0 + 3_000n, data: lacpFrame(2, [{ id: 10 }]) },
    { timeNs: T0 + 4_000n, data: lacpFrame(3, [{ id: 20, tpid: 0x88a8 }, { id: 30 }]) },
  ];
}

describe('classic pcap reader', () => {
  for (const bigEndian of [false, true]) {
    for (const nanosecond of [false, true]) {
      it(`reads ${bigEndian ? 'big' : 'little'}-endian ${nanosecond ? 'nanosecond' : 'microsecond'} files`, () => {
        const bytes = encodePcap(1, mixed(), { bigEndian, nanosecond });
        const { frames, stats, error } = readSplit(createPcapReader, bytes);
        expect(error).toBeNull();
        expect(frames.map((f) => f.index)).toEqual([2, 4, 5]);
        // Microsecond files keep microseconds: the last three digits are dropped, not rounded.
        const t = (d: bigint) => (nanosecond ? T0 + d : ((T0 + d) / 1000n) * 1000n);
        expect(frames.map((f) => f.timeNs)).toEqual([t(1_000n), t(3_000n), t(4_000n)]);
        expect(frames.map((f) => f.data)).toEqual([lacpFrame(1), lacpFrame(2, [{ id: 10 }]), lacpFrame(3, [{ id: 20, tpid: 0x88a8 }, { id: 30 }])]);
        expect(frames.every((f) => f.source === 'test.pcap' && f.interface === 'test.pcap' && f.direction === null && f.linkType === 1)).toBe(true);
        expect(stats).toMatchObject({ format: 'pcap', frames: 5, slowFrames: 3, bytes: bytes.length, truncated: null, snapCut: 0, skipped: [] });
      });
    }
  }

  it('hands on a slow frame cut by the snapshot length with only its captured bytes, and counts it', () => {
    const records = [{ timeNs: T0, data: lacpFrame(1) }, { timeNs: T0, data: otherFrame(1000) }];
    const bytes = encodePcap(1, records, { snaplen: 64 });
    const { frames, stats } = readSplit(createPcapReader, bytes);
    expect(frames).toHaveLength(1);
    expect(frames[0].capturedLength).toBe(64);
    expect(frames[0].originalLength).toBe(124);
    expect(frames[0].data).toEqual(lacpFrame(1).subarray(0, 64));
    // The cut non-slow frame is counted as a frame but not as a snapshot-cut slow frame.
    expect(stats).toMatchObject({ frames: 2, slowFrames: 1, snapCut: 1 });
  });

  it('copies frame bytes: later reuse of the input buffer does not change them', () => {
    const bytes = encodePcap(1, [{ timeNs: T0, data: lacpFrame(7) }]);
    const { frames } = readSplit(createPcapReader, bytes);
    bytes.fill(0);
    expect(frames[0].data).toEqual(lacpFrame(7));
  });

  it('takes direction from Linux cooked headers and names SLL2 interfaces by index', () => {
    const payload = encodeLacpPayload({
      actor: { systemPriority: 1, system: '02:00:00:00:00:01', key: 1, portPriority: 1, port: 1, state: 0x3d },
      partner: { systemPriority: 1, system: '02:00:00:00:00:02', key: 1, portPriority: 1, port: 2, state: 0x3d },
    });
    const sll = encodePcap(113, [
      { timeNs: T0, data: buildSllFrame({ src: '02:00:00:00:00:01', direction: 'out', payload }) },
      { timeNs: T0, data: buildSllFrame({ src: '02:00:00:00:00:01', direction: 'in', vlans: [{ id: 5 }], payload }) },
    ]);
    const a = readSplit(createPcapReader, sll, [], 'any.pcap');
    expect(a.frames.map((f) => [f.direction, f.interface])).toEqual([['out', 'any.pcap'], ['in', 'any.pcap']]);
    const sll2 = encodePcap(276, [
      { timeNs: T0, data: buildSll2Frame({ src: '02:00:00:00:00:01', ifIndex: 3, direction: 'out', payload }) },
      { timeNs: T0, data: buildSll2Frame({ src: '02:00:00:00:00:01', ifIndex: 7, direction: 'in', payload }) },
    ]);
    const b = readSplit(createPcapReader, sll2, [], 'any.pcap');
    expect(b.frames.map((f) => [f.direction, f.interface, f.linkType])).toEqual([['out', 'any.pcap:ifindex3', 276], ['in', 'any.pcap:ifindex7', 276]]);
  });

  it('counts the frames of an unsupported link type and says so once', () => {
    const bytes = encodePcap(105, [{ timeNs: T0, data: lacpFrame(1) }, { timeNs: T0, data: lacpFrame(2) }]);
    const { frames, stats } = readSplit(createPcapReader, bytes);
    expect(frames).toEqual([]);
    expect(stats.frames).toBe(2);
    expect(stats.skipped).toEqual([{ offset: 20, message: expect.stringContaining('link type 105') }]);
  });

  it('ignores the FCS bits in the upper part of the link-type field', () => {
    const bytes = encodePcap(1, [{ timeNs: T0, data: lacpFrame(1) }]);
    new DataView(bytes.buffer).setUint32(20, 0x14000001, true); // FCS present, 4 bytes
    expect(readSplit(createPcapReader, bytes).frames).toHaveLength(1);
  });

  it('uses every complete frame of a file cut mid-record and says where the cut is', () => {
    const bytes = encodePcap(1, mixed());
    const lastStart = bytes.length - 16 - lacpFrame(3, [{ id: 20, tpid: 0x88a8 }, { id: 30 }]).length;
    for (const cut of [lastStart + 3, lastStart + 16, bytes.length - 1]) {
      const { frames, stats, error } = readSplit(createPcapReader, bytes.subarray(0, cut));
      expect(error).toBeNull();
      expect(frames.map((f) => f.index)).toEqual([2, 4]);
      expect(stats.frames).toBe(4);
      expect(stats.truncated).toEqual({ offset: lastStart, message: expect.stringMatching(/ends inside the record/) });
    }
    const head = readSplit(createPcapReader, bytes.subarray(0, 10));
    expect(head.stats.truncated).toEqual({ offset: 0, message: 'the capture ends inside the pcap file header (10 of 24 bytes)' });
  });

  it('rejects an absurd captured length with PCAP_BAD_HEADER at the record, after handing on earlier frames', () => {
    const bytes = encodePcap(1, mixed());
    const second = 24 + 16 + 60;
    new DataView(bytes.buffer).setUint32(second + 8, MAX_CAPLEN + 1, true);
    for (const cuts of [[], [second + 10], [second + 4, second + 12]]) {
      const { frames, error } = readSplit(createPcapReader, bytes, cuts);
      expect(error?.code).toBe(ERROR_CODES.PCAP_BAD_HEADER);
      expect(error?.offset).toBe(second);
      expect(error?.file).toBe('test.pcap');
      expect(error?.message).toMatch(/captured length 262145 exceeds/);
      expect(frames).toEqual([]);
    }
    // The largest legal length is accepted.
    const big = encodePcap(1, [{ timeNs: T0, data: otherFrame(MAX_CAPLEN) }, { timeNs: T0, data: lacpFrame(1) }]);
    expect(readSplit(createPcapReader, big).stats).toMatchObject({ frames: 2, slowFrames: 1 });
  });

  it('rejects a wrong magic or version with the offset of the field', () => {
    const bytes = encodePcap(1, mixed());
    const noMagic = bytes.slice();
    noMagic[0] = 0;
    expect(readSplit(createPcapReader, noMagic).error).toMatchObject({ code: ERROR_CODES.PCAP_BAD_HEADER, offset: 0 });
    const v3 = bytes.slice();
    v3[4] = 3;
    expect(readSplit(createPcapReader, v3).error).toMatchObject({ code: ERROR_CODES.PCAP_BAD_HEADER, offset: 4, message: expect.stringMatching(/version 3\.4/) });
  });

  it('gives identical frames and stats at every single split point', () => {
    const bytes = encodePcap(1, mixed(), { nanosecond: true, bigEndian: true });
    const whole = readSplit(createPcapReader, bytes);
    for (let cut = 0; cut <= bytes.length; cut++) {
      const split = readSplit(createPcapReader, bytes, [cut]);
      expect(summary(split.frames)).toEqual(summary(whole.frames));
      expect(split.stats).toEqual(whole.stats);
    }
  });

  it('byte-at-a-time input gives the same result', () => {
    const bytes = encodePcap(1, mixed());
    const cuts = Array.from({ length: bytes.length }, (_, i) => i);
    const whole = readSplit(createPcapReader, bytes);
    const bytewise = readSplit(createPcapReader, bytes, cuts);
    expect(summary(bytewise.frames)).toEqual(summary(whole.frames));
    expect(bytewise.stats).toEqual(whole.stats);
  });
});
