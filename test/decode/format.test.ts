import { readFileSync, existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { decodeFrame } from '../../src/decode/decode.js';
import { encodeMarkerPayload } from '../../src/decode/encode.js';
import { flagNames, formatJsonl, formatTextLine, stateString, tcpdumpFlags } from '../../src/decode/format.js';
import { ACTOR, PARTNER, eth, frameOf, lacp, oam, ossp, patch, unknownSubtype, v2Tlvs } from '../support/generator.js';

const contractPath = '../shared/CONTRACT.md';

describe('stateString', () => {
  it.each([
    [0x3d, '**DCSG*A'],
    [0x85, 'E****G*A'],
    [0x36, '**DC*GS*'],
    [0xc7, 'EF***GSA'],
    [0x00, '********'],
    [0xff, 'EFDCSGSA'],
  ])('0x%s is %s (Wireshark state_str)', (s, want) => {
    expect(stateString(s)).toBe(want);
  });
});

describe('flag words', () => {
  it('contract flag names, bit 0 first', () => {
    expect(flagNames(0xc5)).toEqual(['activity', 'aggregation', 'defaulted', 'expired']);
    expect(flagNames(0)).toEqual([]);
  });
  it("tcpdump's words, with Default and none", () => {
    expect(tcpdumpFlags(0x85)).toBe('Activity, Aggregation, Expired');
    expect(tcpdumpFlags(0x40)).toBe('Default');
    expect(tcpdumpFlags(0)).toBe('none');
  });
});

describe.skipIf(!existsSync(contractPath))(`formatJsonl and ${contractPath} (skipped when absent)`, () => {
  it('prints the contract example byte for byte (keys in order)', () => {
    const md = readFileSync(contractPath, 'utf8');
    const block = md.split('## `decode --format jsonl`')[1].split('```json')[1].split('```')[0];
    const example = JSON.parse(block);
    const data = eth(lacp(), { src: example.src });
    const pdu = decodeFrame(frameOf(data, { source: 'eth0.pcap', iface: 'eth0', index: 12, direction: 'out' })).pdu;
    expect(formatJsonl(pdu)).toBe(JSON.stringify(example));
  });
});

describe('formatJsonl', () => {
  it('without the shared contract, keys still follow the documented order', () => {
    const pdu = decodeFrame(frameOf(eth(lacp()))).pdu;
    expect(Object.keys(JSON.parse(formatJsonl(pdu)))).toEqual([
      'source', 'interface', 'frame', 'time', 'direction', 'src', 'dst', 'vlans', 'subtype', 'version', 'actor', 'partner', 'collectorMaxDelay', 'tlvs', 'problems',
    ]);
  });

  it('non-LACP objects carry their own fields, problems last', () => {
    const keys = (d: Uint8Array) => Object.keys(JSON.parse(formatJsonl(decodeFrame(frameOf(d)).pdu))).slice(8);
    expect(keys(eth(encodeMarkerPayload({ response: true, requesterPort: 1, requesterSystem: ACTOR.system, requesterTransactionId: 2 })))).toEqual([
      'subtype', 'version', 'requesterPort', 'requesterSystem', 'requesterTransactionId', 'tlvs', 'problems',
    ]);
    expect(keys(eth(oam(0)))).toEqual(['subtype', 'flags', 'code', 'codeName', 'data', 'problems']);
    expect(keys(eth(ossp()))).toEqual(['subtype', 'oui', 'ouiName', 'data', 'problems']);
    expect(keys(eth(unknownSubtype(7)))).toEqual(['subtype', 'subtypeValue', 'data', 'problems']);
  });

  it('problems print code, message, severity and offset', () => {
    const pdu = decodeFrame(frameOf(eth(patch(lacp(), { 3: 19 })))).pdu;
    expect(JSON.parse(formatJsonl(pdu)).problems).toEqual([{ code: 'WRONG_TLV_LENGTH', message: 'Actor TLV length is 19, 20 expected', severity: 'error', offset: 17 }]);
  });
});

describe('formatTextLine', () => {
  it('reads like Wireshark’s Info column', () => {
    const pdu = decodeFrame(frameOf(eth(lacp({ actor: { ...ACTOR, state: 0x3d }, partner: { ...PARTNER, state: 0x36 } })), { index: 12, iface: 'eth0', direction: 'in' })).pdu;
    expect(formatTextLine(pdu)).toBe('12 1700000000.123456789 eth0 in  LACPv1 ACTOR 02:aa:00:00:00:01 P: 1 K: 17 **DCSG*A PARTNER 02:bb:00:00:00:02 P: 5 K: 33 **DC*GS*');
  });

  it('appends problems, TLVs and VLANs', () => {
    const pdu = decodeFrame(frameOf(eth(patch(lacp({ version: 2, tlvs: v2Tlvs(false).slice(0, 1) }), { 23: 19 }), { vlans: [{ id: 100 }] }))).pdu;
    expect(formatTextLine(pdu)).toBe(
      '1 1700000000.123456789 gen.pcap -   vlan 100 LACPv2 ACTOR 02:aa:00:00:00:01 P: 1 K: 17 **DCSGSA PARTNER 02:bb:00:00:00:02 P: 5 K: 33 **DCSGSA TLVs Port Algorithm(6)' +
        ' [WRONG_TLV_LENGTH: Partner TLV length is 19, 20 expected] [LACP_VERSION: LACP version 0x02 (802.1AX-2014): version 1 fields decoded, further TLVs listed]',
    );
  });

  it('one line for each other subtype', () => {
    const line = (d: Uint8Array) => formatTextLine(decodeFrame(frameOf(d)).pdu).replace(/^(\S+ ){4}\s*/, '');
    expect(line(eth(encodeMarkerPayload({ response: false, requesterPort: 3, requesterSystem: ACTOR.system, requesterTransactionId: 0x10 })))).toBe(
      'MARKERv1 Information System 02:aa:00:00:00:01 P: 3 TransID: 0x00000010',
    );
    expect(line(eth(oam(1, 0x0008)))).toBe('OAM Event Notification (0x01) flags 0x0008');
    expect(line(eth(ossp()))).toBe('OSSP OUI 00:19:a7 (ITU-T), 42 bytes');
    expect(line(eth(unknownSubtype(9)))).toMatch(/^Slow Protocols subtype 9, 46 bytes \[UNKNOWN_SUBTYPE: /);
  });
});
