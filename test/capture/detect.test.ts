import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createAutoReader, detectFormat } from '../../src/capture/detect.js';
import { encodePcap } from '../../src/capture/pcap-writer.js';
import { encodePcapng } from '../../src/capture/pcapng-writer.js';
import { ERROR_CODES } from '../../src/errors.js';
import { lacpFrame } from './blocks.js';
import { readSplit, summary } from './read.js';

const T0 = 1_600_000_000_000_000_000n;
const ascii = (s: string) => new TextEncoder().encode(s);
const TEXT_SAMPLE = join(import.meta.dirname, '../../../shared/captures/public/tcpdump/lacp-ev.out');

describe('detectFormat', () => {
  it('knows the pcap magics in both byte orders, pcapng, and gzip from the first bytes', () => {
    expect(detectFormat(Uint8Array.of(0xd4, 0xc3, 0xb2, 0xa1), false)).toBe('pcap');
    expect(detectFormat(Uint8Array.of(0xa1, 0xb2, 0xc3, 0xd4), false)).toBe('pcap');
    expect(detectFormat(Uint8Array.of(0x4d, 0x3c, 0xb2, 0xa1), false)).toBe('pcap');
    expect(detectFormat(Uint8Array.of(0xa1, 0xb2, 0x3c, 0x4d), false)).toBe('pcap');
    expect(detectFormat(Uint8Array.of(0x0a, 0x0d, 0x0d, 0x0a), false)).toBe('pcapng');
    expect(detectFormat(Uint8Array.of(0x1f, 0x8b), false)).toBe('gzip');
  });

  it('waits for enough bytes to tell text from binary, unless the input has ended', () => {
    expect(detectFormat(ascii('12:00'), false)).toBeUndefined();
    expect(detectFormat(ascii('12:00:01.000000 LACPv1'), true)).toBe('tcpdump-text');
    expect(detectFormat(ascii('    1  2009-11-15 04:02:10.267147 00:13:c4:12:0f:0d > 01:80:c2:00:00:02, ethertype Slow'), false)).toBe('tcpdump-text');
    expect(detectFormat(new Uint8Array(0), true)).toBeNull();
    const binary = ascii('x'.repeat(80));
    binary[40] = 0;
    expect(detectFormat(binary, false)).toBeNull();
  });
});

describe('createAutoReader', () => {
  const pcap = encodePcap(1, [{ timeNs: T0, data: lacpFrame(1) }, { timeNs: T0 + 5n, data: lacpFrame(2) }], { nanosecond: true });
  const pcapng = encodePcapng([{ name: 'eth3', linkType: 1 }], [{ interface: 0, timeNs: T0, data: lacpFrame(1), direction: 'in' }], { bigEndian: true });

  for (const [what, bytes, format] of [['pcap', pcap, 'pcap'], ['pcapng', pcapng, 'pcapng']] as const) {
    it(`reads ${what} fed a byte at a time, as its own reader would`, () => {
      const bytewise = readSplit(createAutoReader, bytes, Array.from({ length: bytes.length }, (_, i) => i));
      const whole = readSplit(createAutoReader, bytes);
      expect(bytewise.error).toBeNull();
      expect(summary(bytewise.frames)).toEqual(summary(whole.frames));
      expect(bytewise.stats).toEqual(whole.stats);
      expect(whole.stats).toMatchObject({ format, bytes: bytes.length, slowFrames: format === 'pcap' ? 2 : 1 });
    });
  }

  it('rejects what is no capture at offset 0 with the expected formats named', () => {
    const { error } = readSplit(createAutoReader, Uint8Array.from({ length: 200 }, (_, i) => (i * 37) & 0xff), [], 'x.bin');
    expect(error).toMatchObject({ code: ERROR_CODES.UNKNOWN_FORMAT, offset: 0, file: 'x.bin' });
    expect(error?.message).toBe('not a capture: expected a pcap or pcapng magic number, gzip, or tcpdump text');
    expect(readSplit(createAutoReader, new Uint8Array(0)).error?.message).toMatch(/empty/);
    expect(readSplit(createAutoReader, Uint8Array.of(0x1f, 0x8b, 8, 0)).error?.message).toMatch(/gzip/);
  });

  it.skipIf(!existsSync(TEXT_SAMPLE))('hands tcpdump text to the text reader (needs ../shared)', () => {
    const text = readFileSync(TEXT_SAMPLE);
    const cuts = [1, 5, 63, 64, 65, 500];
    const { frames, stats, error } = readSplit(createAutoReader, text, cuts, 'lacp-ev.out');
    expect(error).toBeNull();
    expect(stats.format).toBe('tcpdump-text');
    expect(frames).toHaveLength(20);
    expect(stats.bytes).toBe(text.length);
  });
});
