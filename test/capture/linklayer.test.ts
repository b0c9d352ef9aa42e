/** Link-layer helpers: MAC formatting stays exact through its lookup of already-formatted addresses. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatMac } from '../../src/capture/linklayer.js';

/** The address written out byte by byte, independently of the lookup. */
function spelled(bytes: Uint8Array, at: number): string {
  return Array.from(bytes.subarray(at, at + 6), (b) => b.toString(16).padStart(2, '0')).join(':');
}

describe('formatMac', () => {
  it('spells any six bytes at any offset, the same whether formatted before or not', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 6, maxLength: 40 }), fc.nat(), (bytes, n) => {
        const at = n % (bytes.length - 5);
        expect(formatMac(bytes, at)).toBe(spelled(bytes, at));
        expect(formatMac(bytes, at)).toBe(spelled(bytes, at));
      }),
    );
  });

  it('stays exact past the lookup\'s capacity, for addresses that differ only in their top or bottom bits', () => {
    const buf = new Uint8Array(6);
    for (let i = 0; i < 10_000; i++) {
      buf[0] = i & 0xff;
      buf[1] = (i >> 8) & 0xff;
      buf[5] = (i * 7) & 0xff;
      expect(formatMac(buf, 0)).toBe(spelled(buf, 0));
    }
    // Distinct addresses whose 48-bit values share all but the highest or the lowest bit.
    expect(formatMac(Uint8Array.of(0x80, 0, 0, 0, 0, 0), 0)).toBe('80:00:00:00:00:00');
    expect(formatMac(Uint8Array.of(0, 0, 0, 0, 0, 0), 0)).toBe('00:00:00:00:00:00');
    expect(formatMac(Uint8Array.of(0xff, 0xff, 0xff, 0xff, 0xff, 0xfe), 0)).toBe('ff:ff:ff:ff:ff:fe');
    expect(formatMac(Uint8Array.of(0xff, 0xff, 0xff, 0xff, 0xff, 0xff), 0)).toBe('ff:ff:ff:ff:ff:ff');
  });
});
