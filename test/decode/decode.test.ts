import { describe, expect, it } from 'vitest';
import { LINKTYPE } from '../../src/capture/frame.js';
import { decodeFrame, PROBLEM } from '../../src/decode/decode.js';
import { buildEthernetFrame, buildSll2Frame, buildSllFrame, encodeMarkerPayload } from '../../src/decode/encode.js';
import { LACP_FIELDS, MARKER_FIELDS, STATE_BITS } from '../../src/decode/fields.js';
import type { LacpPdu, MarkerPdu, OamPdu, OsspPdu, SlowPdu, UnknownSlowPdu } from '../../src/decode/pdu.js';
import {
  ACTOR,
  PARTNER,
  SRC,
  eth,
  extraChecks,
  frameOf,
  lacp,
  lacpCutPoints,
  malformed,
  oam,
  ossp,
  patch,
  sonicTlvs,
  stateValues,
  unknownSubtype,
  v2Tlvs,
} from '../support/generator.js';

function decode(data: Uint8Array, o: Parameters<typeof frameOf>[1] = {}): SlowPdu {
  return decodeFrame(frameOf(data, o)).pdu;
}

function asLacp(p: SlowPdu): LacpPdu {
  expect(p.subtype).toBe('lacp');
  return p as LacpPdu;
}

const codes = (p: SlowPdu) => p.problems.map((x) => x.code);

describe('field table', () => {
  it.each([
    ['LACPDU', LACP_FIELDS],
    ['Marker PDU', MARKER_FIELDS],
  ] as const)('covers the 110-byte %s exactly once, in order', (_, fields) => {
    let at = 0;
    for (const f of fields) {
      expect(f.offset, f.name).toBe(at);
      at += f.size;
    }
    expect(at).toBe(110);
  });

  it('state bits are bit 0..7 with masks 1<<bit and the contract flag order', () => {
    expect(STATE_BITS.map((b) => b.mask)).toEqual(STATE_BITS.map((b) => 1 << b.bit));
    expect(STATE_BITS.map((b) => b.flag)).toEqual(['activity', 'timeout', 'aggregation', 'synchronization', 'collecting', 'distributing', 'defaulted', 'expired']);
    expect(STATE_BITS[6].tcpdump).toBe('Default');
  });
});

describe('LACP version 1', () => {
  it('decodes every field of a standard LACPDU', () => {
    const p = asLacp(decode(eth(lacp({ collectorMaxDelay: 5 })), { index: 12, direction: 'out', source: 'eth0.pcap', iface: 'eth0' }));
    expect(p).toMatchObject({
      source: 'eth0.pcap',
      interface: 'eth0',
      frame: 12,
      time: '1700000000.123456789',
      direction: 'out',
      src: SRC,
      dst: '01:80:c2:00:00:02',
      vlans: [],
      version: 1,
      collectorMaxDelay: 5,
      tlvs: [],
      problems: [],
    });
    expect(p.actor).toEqual({ ...ACTOR, flags: ['activity', 'timeout', 'aggregation', 'synchronization', 'collecting', 'distributing'] });
    expect(p.partner).toEqual({ ...PARTNER, flags: ['activity', 'timeout', 'aggregation', 'synchronization', 'collecting', 'distributing'] });
  });

  it.each(stateValues())('state 0x%s: flags follow the bits', (s) => {
    const p = asLacp(decode(eth(lacp({ actor: { ...ACTOR, state: s }, partner: { ...PARTNER, state: s ^ 0xff } }))));
    expect(p.actor.state).toBe(s);
    expect(p.partner.state).toBe(s ^ 0xff);
    expect(p.actor.flags).toEqual(STATE_BITS.filter((b) => s & b.mask).map((b) => b.flag));
    expect(p.partner.flags).toEqual(STATE_BITS.filter((b) => (s ^ 0xff) & b.mask).map((b) => b.flag));
  });

  it('reads Wireshark offsets: port priority precedes port on the wire', () => {
    const payload = lacp({ actor: { ...ACTOR, portPriority: 0x1234, port: 0x5678 } });
    expect([payload[14], payload[15], payload[16], payload[17]]).toEqual([0x12, 0x34, 0x56, 0x78]);
    const p = asLacp(decode(eth(payload)));
    expect(p.actor.portPriority).toBe(0x1234);
    expect(p.actor.port).toBe(0x5678);
  });
});

describe('problems', () => {
  const expected: Record<string, string[]> = {
    'actor TLV type 9': [PROBLEM.WRONG_TLV_TYPE],
    'actor length 19': [PROBLEM.WRONG_TLV_LENGTH],
    'partner TLV type 1': [PROBLEM.WRONG_TLV_TYPE],
    'partner length 0': [PROBLEM.WRONG_TLV_LENGTH],
    'collector TLV type 4': [PROBLEM.WRONG_TLV_TYPE],
    'collector length 20': [PROBLEM.WRONG_TLV_LENGTH],
    'terminator type 5': [PROBLEM.WRONG_TLV_TYPE],
    'terminator length 2': [PROBLEM.WRONG_TLV_LENGTH],
    'non-zero reserved': [PROBLEM.NONZERO_RESERVED, PROBLEM.NONZERO_RESERVED, PROBLEM.NONZERO_RESERVED, PROBLEM.NONZERO_RESERVED],
    'v2 terminator length 2': [PROBLEM.LACP_VERSION, PROBLEM.WRONG_TLV_LENGTH],
    'v2 TLV length 1': [PROBLEM.LACP_VERSION, PROBLEM.WRONG_TLV_LENGTH],
    'marker TLV type 3': [PROBLEM.WRONG_TLV_TYPE],
    'marker length 15': [PROBLEM.WRONG_TLV_LENGTH],
    'marker pad 1': [PROBLEM.NONZERO_PAD],
    'marker terminator length 1': [PROBLEM.WRONG_TLV_LENGTH],
  };
  it.each(malformed())('$label', ({ label, payload }) => {
    expect(codes(decode(eth(payload)))).toEqual(expected[label]);
  });

  it.each(extraChecks())('$label', ({ data }) => {
    expect(decode(data).problems).toMatchObject([{ code: PROBLEM.WRONG_TLV_TYPE, severity: 'error', offset: 14 + 18 }]);
  });

  it('a wrong terminator type in version 1 is a warning (Wireshark and receivers do not check it)', () => {
    const p = decode(eth(patch(lacp(), { 58: 5 })));
    expect(p.problems).toMatchObject([{ code: PROBLEM.WRONG_TLV_TYPE, severity: 'warning', offset: 14 + 58 }]);
  });

  it('names the offending TLV and the byte offset in the frame', () => {
    const [p] = decode(eth(patch(lacp(), { 3: 19 }))).problems;
    expect(p).toEqual({ code: 'WRONG_TLV_LENGTH', severity: 'error', offset: 17, message: 'Actor TLV length is 19, 20 expected' });
  });

  it('destination 01:80:c2:00:00:00 and :03 are noted, other addresses warned', () => {
    expect(decode(eth(lacp(), { dst: '01:80:c2:00:00:00' })).problems).toMatchObject([{ code: 'NONSTANDARD_DA', severity: 'info' }]);
    expect(decode(eth(lacp(), { dst: '01:80:c2:00:00:03' })).problems).toMatchObject([{ code: 'NONSTANDARD_DA', severity: 'info' }]);
    expect(decode(eth(lacp(), { dst: '02:00:00:00:00:99' })).problems).toMatchObject([{ code: 'NONSTANDARD_DA', severity: 'warning' }]);
  });

  it('zero padding after the PDU is normal, non-zero trailing bytes are noted', () => {
    expect(decode(Uint8Array.from([...eth(lacp()), 0, 0, 0, 0])).problems).toEqual([]);
    expect(codes(decode(Uint8Array.from([...eth(lacp()), 0xde, 0xad, 0xbe, 0xef])))).toEqual([PROBLEM.TRAILING_BYTES]);
  });

  it('unknown versions are noted and decoded as version 1', () => {
    const p = asLacp(decode(eth(lacp({ version: 0 }))));
    expect(codes(p)).toEqual([PROBLEM.UNKNOWN_VERSION]);
    expect(p.actor.system).toBe(ACTOR.system);
  });

  it.each(lacpCutPoints())('snapshot cut after %i payload bytes: decoded as far as the bytes go, first missing field named', (n) => {
    const full = eth(lacp());
    const p = decode(full.subarray(0, 14 + n), { originalLength: full.length });
    const missing = LACP_FIELDS.find((f) => f.offset + f.size > n);
    if (n === 0) {
      expect(p).toMatchObject({ subtype: 'unknown', subtypeValue: null });
      expect(codes(p)).toEqual([PROBLEM.SNAP_CUT]);
      return;
    }
    const l = asLacp(p);
    const cut = p.problems.filter((x) => x.code === PROBLEM.SNAP_CUT);
    expect(cut).toHaveLength(1);
    expect(cut[0].severity).toBe('warning');
    expect(cut[0].message).toContain(`${missing!.name} and later fields are missing`);
    expect(p.problems.some((x) => x.code === PROBLEM.SHORT_PDU)).toBe(false);
    // Every field wholly present has its real value; the rest read as zero.
    for (const f of LACP_FIELDS) {
      const [group, key] = f.name.split('.');
      if ((group !== 'actor' && group !== 'partner') || f.kind === 'reserved' || f.kind.startsWith('tlv')) continue;
      const want = f.offset + f.size <= n ? (group === 'actor' ? ACTOR : PARTNER)[key as keyof typeof ACTOR] : key === 'system' ? '00:00:00:00:00:00' : 0;
      expect(l[group][key as keyof typeof ACTOR], f.name).toBe(want);
    }
  });

  it('a frame short on the wire is SHORT_PDU, an error', () => {
    const full = buildEthernetFrame({ src: SRC, payload: lacp() });
    const p = decode(full.slice(0, 14 + 42));
    expect(p.problems).toMatchObject([{ code: 'SHORT_PDU', severity: 'error', offset: 56 }]);
    expect(p.problems[0].message).toContain('collector.tlvType and later fields are missing');
  });

  it('a 60-byte padded frame holding a 46-byte LACP payload is short', () => {
    // As in Wireshark, the zero padding reads as a wrong partner TLV type before the PDU runs out.
    const p = decode(eth(lacp().subarray(0, 20)));
    expect(codes(p)).toContain(PROBLEM.WRONG_TLV_TYPE);
    expect(p.problems.at(-1)).toMatchObject({ code: 'SHORT_PDU', severity: 'error', offset: 60 });
    expect(p.problems.at(-1)!.message).toBe('LACPDU is 46 bytes, 110 expected; collector.reserved and later fields are missing (read as 0)');
  });
});

describe('version 2 and vendor TLVs', () => {
  it('lists 802.1AX-2014 TLVs by name, after the fixed version 1 fields', () => {
    const p = asLacp(decode(eth(lacp({ version: 2, tlvs: v2Tlvs(false) }))));
    expect(p.actor.system).toBe(ACTOR.system);
    expect(p.tlvs.map((t) => [t.type, t.name, t.length])).toEqual([
      [4, 'Port Algorithm', 6],
      [5, 'Port Conversation ID Digest', 20],
      [10, 'Port Conversation Service Mapping', 18],
    ]);
    expect(p.tlvs[0].value).toBe('0080c201');
    expect(codes(p)).toEqual([PROBLEM.LACP_VERSION]);
  });

  it('walks a long PDU with the four mask TLVs', () => {
    const p = asLacp(decode(eth(lacp({ version: 2, tlvs: v2Tlvs(true) }))));
    expect(p.tlvs.map((t) => t.length)).toEqual([6, 20, 18, 131, 130, 130, 130]);
    expect(p.problems.every((x) => x.severity === 'info')).toBe(true);
  });

  it('decodes SONiC 0xF1 retry counts', () => {
    const p = asLacp(decode(eth(lacp({ version: 0xf1, tlvs: sonicTlvs(3, 5) }))));
    expect(p.version).toBe(0xf1);
    expect(p.tlvs).toEqual([
      { type: 0x80, name: 'Actor Retry Count', length: 4, value: '0300' },
      { type: 0x81, name: 'Partner Retry Count', length: 4, value: '0500' },
    ]);
  });

  it('lists unknown TLVs by type and length', () => {
    const p = asLacp(decode(eth(lacp({ version: 2, tlvs: [{ type: 0x42, value: Uint8Array.from([1, 2, 3]) }] }))));
    expect(p.tlvs).toEqual([{ type: 0x42, name: 'unknown', length: 5, value: '010203' }]);
  });

  it('a known TLV with the wrong length is warned about', () => {
    const p = decode(eth(lacp({ version: 2, tlvs: [{ type: 0x04, value: Uint8Array.from([1, 2]) }] })));
    expect(p.problems).toContainEqual(expect.objectContaining({ code: 'WRONG_TLV_LENGTH', severity: 'warning' }));
  });

  it('a TLV running past the end of the frame is reported', () => {
    const payload = lacp({ version: 2, tlvs: v2Tlvs(true) });
    const p = asLacp(decode(buildEthernetFrame({ src: SRC, payload: payload.subarray(0, 200) })));
    expect(p.tlvs.at(-1)!.value.length).toBeLessThan(2 * (p.tlvs.at(-1)!.length - 2));
    expect(codes(p)).toContain(PROBLEM.SHORT_PDU);
  });
});

describe('other subtypes', () => {
  const marker = { requesterPort: 7, requesterSystem: '02:aa:00:00:00:01', requesterTransactionId: 0x01020304 };
  it('Marker Information and Marker Response', () => {
    const m = decode(eth(encodeMarkerPayload({ response: false, ...marker }))) as MarkerPdu;
    expect(m).toMatchObject({ subtype: 'marker', version: 1, ...marker, tlvs: [], problems: [] });
    const r = decode(eth(encodeMarkerPayload({ response: true, ...marker }))) as MarkerPdu;
    expect(r).toMatchObject({ subtype: 'marker-response', ...marker, problems: [] });
  });

  it('OAM flags, code and code name', () => {
    const p = decode(eth(oam(0x04, 0x0050, [1, 2]))) as OamPdu;
    expect(p).toMatchObject({ subtype: 'oam', flags: 0x50, code: 4, codeName: 'Loopback Control' });
    expect(p.data.startsWith('0102')).toBe(true);
    expect((decode(eth(oam(0x77))) as OamPdu).codeName).toBe('Reserved');
  });

  it('OSSP with the ITU-T OUI', () => {
    const p = decode(eth(ossp())) as OsspPdu;
    expect(p).toMatchObject({ subtype: 'ossp', oui: '00:19:a7', ouiName: 'ITU-T' });
    expect((decode(eth(ossp([0, 0x12, 0x34]))) as OsspPdu).ouiName).toBeNull();
  });

  it('unknown subtypes keep their value and bytes', () => {
    const p = decode(eth(unknownSubtype(9, 4))) as UnknownSlowPdu;
    expect(p).toMatchObject({ subtype: 'unknown', subtypeValue: 9 });
    expect(p.data.startsWith('010203')).toBe(true);
    expect(codes(p)).toEqual([PROBLEM.UNKNOWN_SUBTYPE]);
  });

  it('a frame that is not Slow Protocols, or of an unknown link type, is an unknown PDU with an error', () => {
    const ip = buildEthernetFrame({ src: SRC, etherType: 0x0800, payload: new Uint8Array(46) });
    expect(decode(ip)).toMatchObject({ subtype: 'unknown', subtypeValue: null, problems: [{ code: 'NOT_SLOW_PROTOCOLS' }] });
    expect(decode(eth(lacp()), { linkType: 105 })).toMatchObject({ subtype: 'unknown', problems: [{ code: 'UNSUPPORTED_LINK_TYPE' }] });
    expect(decode(new Uint8Array(5))).toMatchObject({ subtype: 'unknown', problems: [{ code: 'SHORT_PDU' }] });
  });
});

describe('link layers', () => {
  it('follows 802.1Q and 802.1ad tags', () => {
    const p = decode(eth(lacp(), { vlans: [{ tpid: 0x88a8, id: 200, pcp: 3 }, { id: 100, pcp: 7 }] }));
    expect(p.vlans).toEqual([
      { tpid: 0x88a8, id: 200, pcp: 3, dei: false },
      { tpid: 0x8100, id: 100, pcp: 7, dei: false },
    ]);
    expect(asLacp(p).actor.system).toBe(ACTOR.system);
  });

  it('Linux cooked v1: source and direction, no destination', () => {
    const p = decode(buildSllFrame({ src: SRC, direction: 'out', payload: lacp() }), { linkType: LINKTYPE.LINUX_SLL });
    expect(p).toMatchObject({ src: SRC, dst: null, direction: 'out', problems: [] });
    expect(asLacp(p).partner.system).toBe(PARTNER.system);
  });

  it('Linux cooked v2 with a tag', () => {
    const p = decode(buildSll2Frame({ src: SRC, ifIndex: 3, direction: 'in', vlans: [{ id: 9 }], payload: lacp() }), { linkType: LINKTYPE.LINUX_SLL2 });
    expect(p).toMatchObject({ src: SRC, dst: null, direction: 'in', vlans: [{ id: 9 }], problems: [] });
  });

  it("the reader's direction wins over the link header's", () => {
    const p = decode(buildSllFrame({ src: SRC, direction: 'out', payload: lacp() }), { linkType: LINKTYPE.LINUX_SLL, direction: 'in' });
    expect(p.direction).toBe('in');
  });

  it('keeps what the views need beside the PDU', () => {
    const data = eth(lacp(), { vlans: [{ id: 5 }] });
    const d = decodeFrame({ ...frameOf(data), rebuilt: true });
    expect(d.payloadOffset).toBe(18);
    expect(d.bytes).toBe(data);
    expect(d.rebuilt).toBe(true);
  });
});
