/**
 * Property tests of the tcpdump text reader: arbitrary bytes and line soup never make it throw or
 * hang; the same text gives the same frames and counts however it is split into chunks (mid-line,
 * mid-UTF-8 sequence); a text cut at any offset gives the frames before the cut unchanged.
 */
import { readFileSync } from 'node:fs';
import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { GOLDEN_DIR, hex, readText, type Read } from './support.js';

const enc = new TextEncoder();
const golden = (capture: string, set: string) => readFileSync(`${GOLDEN_DIR}/captures/${capture}/${set}.txt`);

/** Goldens covering every printer path, plus one with multi-byte UTF-8 in lines of its own. */
const texts: Uint8Array[] = [
  golden('generated-text-lacp-variety.pcap', 'e-vv'),
  golden('generated-text-lacp-variety.pcap', 'n-e-x-vv'),
  golden('generated-text-lacp-variety.pcap', 'n-X'),
  golden('generated-text-lacp-sll2.pcap', 'n-num-ttt-e-v'),
  golden('generated-text-lacp-sll.pcap', 'n-e-XX-vv'),
  enc.encode(
    new TextDecoder()
      .decode(golden('generated-text-lacp-variety.pcap', 'n-tttt-e-v'))
      .replace(/^(.*MARKERv1.*)$/gm, '# Überprüfung — café ✓ 日本語\n$1'),
  ),
];

function summary(r: Read) {
  return {
    frames: r.frames.map((f) => [f.index, f.timeNs, hex(f.data), f.interface, f.direction, f.originalLength, f.rebuilt]),
    stats: { ...r.stats },
    rejected: r.rejected ?? false,
  };
}

const whole = texts.map((t) => summary(readText(t)));

describe('tcpdump text reader properties', () => {
  test.prop([fc.uint8Array({ maxLength: 4000 })], { numRuns: 300 })('never throws on arbitrary bytes', (bytes) => {
    const r = readText(bytes);
    expect(r.stats.bytes).toBe(bytes.length);
    expect(r.frames.length).toBe(r.stats.slowFrames);
    expect(r.stats.slowFrames).toBeLessThanOrEqual(r.stats.frames);
  });

  // Lines taken from real output, shuffled, cut and mixed with noise: the reader's grammar meets
  // every line kind in every order.
  const lines = texts.flatMap((t) => new TextDecoder().decode(t).split('\n'));
  const soup = fc.array(
    fc.oneof(
      fc.constantFrom(...lines),
      fc.constantFrom(...lines).chain((l) => fc.nat(l.length).map((n) => l.slice(0, n))),
      fc.string({ maxLength: 80 }),
      fc.constantFrom('', '\t', ' [|slow]', '\t\t packet is too short', '0x0000:  zzzz', '99999999999999999999.1 x'),
    ),
    { maxLength: 120 },
  );
  test.prop([soup, fc.constantFrom('\n', '\r\n')], { numRuns: 300 })('never throws on shuffled tcpdump lines', (ls, eol) => {
    const r = readText(enc.encode(ls.join(eol)));
    expect(r.frames.length).toBe(r.stats.slowFrames);
    for (const f of r.frames) expect(f.data.length).toBe(f.capturedLength);
  });

  test.prop([fc.nat(texts.length - 1), fc.array(fc.nat(), { maxLength: 60 })], { numRuns: 200 })(
    'gives the same frames and counts however the text is split',
    (which, cuts) => {
      const t = texts[which];
      const r = readText(
        t,
        {},
        cuts.map((c) => c % (t.length + 1)),
      );
      expect(summary(r)).toEqual(whole[which]);
    },
  );

  it('gives the same frames and counts fed one byte at a time', () => {
    const t = texts[texts.length - 1];
    const r = readText(t, {}, Array.from({ length: t.length }, (_, i) => i));
    expect(summary(r)).toEqual(whole[texts.length - 1]);
  });

  it('keeps every frame before a cut at any offset', () => {
    const t = golden('generated-text-lacp-variety.pcap', 'n-e-x-vv').subarray(0, 6000);
    const full = readText(t);
    for (let at = 0; at <= t.length; at++) {
      const r = readText(t.subarray(0, at));
      expect(r.stats.bytes).toBe(at);
      expect(r.frames.length).toBeLessThanOrEqual(full.frames.length);
      // All but the last frame read before the cut are complete and unchanged.
      r.frames.slice(0, -1).forEach((f, i) => expect(hex(f.data)).toBe(hex(full.frames[i].data)));
    }
  });
});
