import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Frame } from '../../src/capture/frame.js';
import { readCapture } from '../../src/capture/source.js';
import { decodeFrame } from '../../src/decode/decode.js';
import { buildEthernetFrame, buildSll2Frame, buildSllFrame, encodeLacpPayload, encodeMarkerPayload, parseMac } from '../../src/decode/encode.js';
import type { LacpPdu } from '../../src/decode/pdu.js';
import { ACTOR, PARTNER } from '../support/generator.js';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

describe('encodeLacpPayload', () => {
  it('lays out a version 1 LACPDU byte for byte (notes 1.2)', () => {
    const p = encodeLacpPayload({ actor: { ...ACTOR, state: 0x85 }, partner: { ...PARTNER, state: 0x36 }, collectorMaxDelay: 32768 });
    expect(p.length).toBe(110);
    expect(hex(p.subarray(0, 60))).toBe(
      '0101' +
        '0114' + '8000' + '02aa00000001' + '0011' + '8000' + '0001' + '85' + '000000' +
        '0214' + '8000' + '02bb00000002' + '0021' + '8000' + '0005' + '36' + '000000' +
        '0310' + '8000' + '00'.repeat(12) +
        '0000',
    );
    expect(p.subarray(60).every((b) => b === 0)).toBe(true);
  });

  it('puts further TLVs after the collector and grows past 110 bytes when they need it', () => {
    const short = encodeLacpPayload({ version: 2, actor: ACTOR, partner: PARTNER, tlvs: [{ type: 4, value: Uint8Array.from([0, 0x80, 0xc2, 1]) }] });
    expect(short.length).toBe(110);
    expect(hex(short.subarray(58, 66))).toBe('04060080c2010000');
    const long = encodeLacpPayload({ version: 2, actor: ACTOR, partner: PARTNER, tlvs: [{ type: 6, value: new Uint8Array(129) }] });
    expect(long.length).toBe(58 + 131 + 2);
    expect([long[58], long[59], long[189], long[190]]).toEqual([6, 131, 0, 0]);
  });

  it('rejects a malformed MAC instead of writing garbage', () => {
    expect(() => encodeLacpPayload({ actor: { ...ACTOR, system: '02:aa:00' }, partner: PARTNER })).toThrow(RangeError);
    expect(hex(parseMac('02-AA-00-00-00-01'))).toBe('02aa00000001');
  });
});

describe('encodeMarkerPayload', () => {
  it('lays out Marker Information and Response (notes 1.4)', () => {
    const m = encodeMarkerPayload({ response: true, requesterPort: 7, requesterSystem: '02:aa:00:00:00:01', requesterTransactionId: 0x01020304 });
    expect(m.length).toBe(110);
    expect(hex(m.subarray(0, 20))).toBe('0201' + '0210' + '0007' + '02aa00000001' + '01020304' + '0000' + '0000');
  });
});

describe('link-layer builders', () => {
  const payload = Uint8Array.from([1, 2, 3]);
  it('Ethernet with 802.1ad and 802.1Q tags', () => {
    const f = buildEthernetFrame({ src: '02:00:00:00:00:01', vlans: [{ tpid: 0x88a8, id: 200, pcp: 3 }, { id: 100 }], payload });
    expect(hex(f)).toBe('0180c2000002' + '020000000001' + '88a8' + '60c8' + '8100' + '0064' + '8809' + '010203');
  });
  it('Linux cooked v1: packet type, ARPHRD, address, protocol', () => {
    expect(hex(buildSllFrame({ src: '02:00:00:00:00:01', direction: 'out', payload }))).toBe('0004' + '0001' + '0006' + '0200000000010000' + '8809' + '010203');
    expect(hex(buildSllFrame({ src: '02:00:00:00:00:01', direction: 'in', payload })).slice(0, 4)).toBe('0002');
  });
  it('Linux cooked v2: protocol, ifindex, ARPHRD, packet type, address', () => {
    expect(hex(buildSll2Frame({ src: '02:00:00:00:00:01', ifIndex: 5, direction: 'in', vlans: [{ id: 9 }], payload }))).toBe(
      '8100' + '0000' + '00000005' + '0001' + '02' + '06' + '0200000000010000' + '0009' + '8809' + '010203',
    );
  });
});

const PUBLIC = '../shared/captures/public';
describe.skipIf(!existsSync(PUBLIC))(`re-encoding real LACPDUs from ${PUBLIC} gives their bytes back (skipped when absent)`, () => {
  it.each(['tcpdump/LACP.pcap', 'ddos-gen/only_lacp.pcap', 'wireshark-samplecaptures/lacp1.pcap', 'icebale-readthedocs/lacp1.pcapng'])('%s', async (name) => {
    const frames: Frame[] = [];
    await readCapture(`${PUBLIC}/${name}`, (f) => frames.push(f));
    expect(frames.length).toBeGreaterThan(0);
    for (const f of frames) {
      const pdu = decodeFrame(f).pdu as LacpPdu;
      const rebuilt = buildEthernetFrame({ src: pdu.src!, dst: pdu.dst!, payload: encodeLacpPayload({ ...pdu, tlvs: [] }) });
      expect(hex(rebuilt), `${name} frame ${f.index}`).toBe(hex(f.data));
    }
  });
});
