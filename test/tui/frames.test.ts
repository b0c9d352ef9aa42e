import { describe, expect, it } from 'vitest';
import { FrameStore, frameKey, PduIndex } from '../../src/tui/frames.js';
import { info, lacpFrame, SYS_A, SYS_B, UP } from './fixtures.js';

describe('FrameStore', () => {
  it('keeps every change of a port plus a bounded ring of recent frames', () => {
    const store = new FrameStore(100, 4);
    const a = info(SYS_A, 1, 17, UP), b = info(SYS_B, 5, 33, UP);
    const frames = Array.from({ length: 20 }, (_, i) =>
      lacpFrame({ t: i, frame: i + 1, actor: i === 10 ? info(SYS_A, 1, 17, 0x07) : a, partner: b }),
    );
    for (const d of frames) store.add(d, false);
    const kept = frames.filter((d) => store.get(frameKey(d.pdu.source, d.pdu.frame))).map((d) => d.pdu.frame);
    // 1: first PDU of the port; 11: state change; 12: changed back; 17-20: the recent ring.
    expect(kept).toEqual([1, 11, 12, 17, 18, 19, 20]);
    expect(store.size).toBe(7);
  });

  it('pins what the analyzer says changed, and finding evidence with the previous PDU', () => {
    const store = new FrameStore(100, 1);
    const a = info(SYS_A, 1, 17, UP), b = info(SYS_B, 5, 33, UP);
    const f = Array.from({ length: 6 }, (_, i) => lacpFrame({ t: i, frame: i + 1, actor: a, partner: b }));
    for (const d of f.slice(0, 3)) store.add(d, d.pdu.frame === 3);
    const previous = store.lastOfPort(`${SYS_A}/1`);
    store.add(f[3], false);
    store.pinEvidence(f[3], previous);
    for (const d of f.slice(4)) store.add(d, false);
    expect([1, 2, 3, 4, 5, 6].filter((n) => store.find(n))).toEqual([1, 3, 4, 6]);
  });

  it('drops the oldest pinned frames beyond its cap and counts them', () => {
    const store = new FrameStore(3, 1);
    for (let i = 0; i < 10; i++) store.add(lacpFrame({ t: i, frame: i + 1, actor: info(SYS_A, 1, 17, i), partner: info(SYS_B, 5, 33, UP) }), false);
    expect(store.evicted).toBe(7);
    expect(store.find(7)).toBeUndefined();
    expect(store.find(8)?.pdu.frame).toBe(8);
    expect(store.find(10, 'other.pcap')).toBeUndefined();
  });
});

describe('PduIndex', () => {
  const index = new PduIndex();
  for (const t of [0, 1, 2, 5, 9]) index.add('p', 100 + t, 'cap', t + 1);

  it('finds the nearest PDU and steps strictly forward and back', () => {
    expect(index.nearest('p', 103.4)?.frame).toBe(3);
    expect(index.nearest('p', 103.6)?.frame).toBe(6);
    expect(index.step('p', 102, 1)?.frame).toBe(6);
    expect(index.step('p', 102, -1)?.frame).toBe(2);
    expect(index.step('p', 109, 1)).toBeNull();
    expect(index.nearest('other', 1)).toBeNull();
  });

  it('counts PDUs in half-open intervals', () => {
    expect(index.countBetween('p', 100, 102)).toBe(2);
    expect(index.countBetween('p', 102, 105)).toBe(1);
    expect(index.countBetween('p', 105, 110)).toBe(2);
    expect(index.count('p')).toBe(5);
  });

  it('grows past its initial capacity', () => {
    const big = new PduIndex();
    for (let i = 0; i < 1000; i++) big.add('q', i, 's', i + 1);
    expect(big.count('q')).toBe(1000);
    expect(big.at('q', 999)).toEqual({ time: 999, source: 's', frame: 1000 });
  });
});
