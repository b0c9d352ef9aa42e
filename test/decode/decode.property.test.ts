import { fc, test } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import { LINKTYPE } from '../../src/capture/frame.js';
import { decodeFrame, PROBLEM } from '../../src/decode/decode.js';
import { buildEthernetFrame, buildSll2Frame, buildSllFrame, encodeLacpPayload, encodeMarkerPayload, type PortFields } from '../../src/decode/encode.js';
import { formatJsonl, formatTextLine } from '../../src/decode/format.js';
import type { LacpPdu, MarkerPdu, SlowPdu } from '../../src/decode/pdu.js';
import { frameOf } from '../support/generator.js';

const mac = fc.uint8Array({ minLength: 6, maxLength: 6 }).map((b) => [...b].map((x) => x.toString(16).padStart(2, '0')).join(':'));
const u16 = fc.integer({ min: 0, max: 0xffff });
const port: fc.Arbitrary<PortFields> = fc.record({ systemPriority: u16, system: mac, key: u16, portPriority: u16, port: u16, state: fc.integer({ min: 0, max: 255 }) });
const tlv = fc.record({ type: fc.integer({ min: 1, max: 255 }), value: fc.uint8Array({ maxLength: 60 }) });
const linkType = fc.constantFrom(LINKTYPE.ETHERNET, LINKTYPE.LINUX_SLL, LINKTYPE.LINUX_SLL2, 0, 105);
const vlans = fc.array(fc.record({ tpid: fc.constantFrom(0x8100, 0x88a8, 0x9100), id: fc.integer({ min: 0, max: 4095 }), pcp: fc.integer({ min: 0, max: 7 }) }), { maxLength: 3 });

/** Decoding never throws, and what it returns survives JSON and the text line. */
function decodeChecked(data: Uint8Array, o: Parameters<typeof frameOf>[1] = {}): SlowPdu {
  const pdu = decodeFrame(frameOf(data, o)).pdu;
  const line = formatJsonl(pdu);
  expect(JSON.parse(line)).toEqual(JSON.parse(JSON.stringify(pdu)));
  expect(formatTextLine(pdu)).not.toContain('\n');
  return pdu;
}

describe('decodeFrame on any input', () => {
  test.prop([fc.uint8Array({ maxLength: 400 }), linkType])('arbitrary bytes: no throw, JSON round-trips', (data, lt) => {
    decodeChecked(data, { linkType: lt });
  });

  test.prop([fc.uint8Array({ minLength: 0, maxLength: 300 }), fc.constantFrom(1, 2, 3, 10, 0, 200)])(
    'arbitrary bytes behind a Slow Protocols header: no throw, one subtype',
    (body, subtype) => {
      const pdu = decodeChecked(buildEthernetFrame({ src: '02:00:00:00:00:01', payload: Uint8Array.from([subtype, ...body]) }));
      expect(['lacp', 'marker', 'marker-response', 'oam', 'ossp', 'unknown']).toContain(pdu.subtype);
    },
  );

  test.prop([port, port, fc.integer({ min: 1, max: 255 }), fc.array(tlv, { maxLength: 4 })])('every truncation of a LACPDU: no throw, no field invented', (actor, partner, version, tlvs) => {
    const full = buildEthernetFrame({ src: '02:00:00:00:00:01', payload: encodeLacpPayload({ version, actor, partner, tlvs: version >= 2 ? tlvs : [] }) });
    for (let n = 0; n <= full.length; n++) {
      const pdu = decodeChecked(full.subarray(0, n), { originalLength: full.length });
      if (n < full.length && n < 14 + 110) expect(pdu.problems.some((p) => p.code === PROBLEM.SNAP_CUT || p.code === PROBLEM.SHORT_PDU)).toBe(true);
      if (pdu.subtype === 'lacp' && n >= 14 + 20) expect(pdu.actor.system).toBe(actor.system);
      if (pdu.subtype === 'lacp' && n < 14 + 10) expect(pdu.actor.system).toBe('00:00:00:00:00:00');
    }
  });
});

describe('encode then decode gives the fields back', () => {
  test.prop([port, port, u16, fc.constantFrom(1, 2, 3, 0xf1), fc.array(tlv, { maxLength: 6 }), vlans])('LACP', (actor, partner, delay, version, tlvs, tags) => {
    const withTlvs = version >= 2 ? tlvs : [];
    const payload = encodeLacpPayload({ version, actor, partner, collectorMaxDelay: delay, tlvs: withTlvs });
    const pdu = decodeChecked(buildEthernetFrame({ src: actor.system, vlans: tags, payload })) as LacpPdu;
    expect(pdu.subtype).toBe('lacp');
    expect(pdu.version).toBe(version);
    const { flags: af, ...a } = pdu.actor;
    const { flags: pf, ...p } = pdu.partner;
    expect(a).toEqual(actor);
    expect(p).toEqual(partner);
    expect(af.length + pf.length).toBe(bits(actor.state) + bits(partner.state));
    expect(pdu.collectorMaxDelay).toBe(delay);
    expect(pdu.tlvs.map((t) => ({ type: t.type, value: t.value }))).toEqual(withTlvs.map((t) => ({ type: t.type, value: Buffer.from(t.value).toString('hex') })));
    expect(pdu.vlans.map((v) => ({ tpid: v.tpid, id: v.id, pcp: v.pcp }))).toEqual(tags);
    expect(pdu.problems.filter((x) => x.severity === 'error')).toEqual([]);
  });

  test.prop([fc.boolean(), u16, mac, fc.integer({ min: 0, max: 0xffffffff })])('Marker', (response, requesterPort, requesterSystem, requesterTransactionId) => {
    const pdu = decodeChecked(buildEthernetFrame({ src: requesterSystem, payload: encodeMarkerPayload({ response, requesterPort, requesterSystem, requesterTransactionId }) })) as MarkerPdu;
    expect(pdu).toMatchObject({ subtype: response ? 'marker-response' : 'marker', requesterPort, requesterSystem, requesterTransactionId, problems: [] });
  });

  test.prop([mac, fc.constantFrom<'in' | 'out'>('in', 'out'), fc.integer({ min: 0, max: 0xffffffff }), port])('Linux cooked v1 and v2', (src, direction, ifIndex, actor) => {
    const payload = encodeLacpPayload({ actor, partner: actor });
    const one = decodeChecked(buildSllFrame({ src, direction, payload }), { linkType: LINKTYPE.LINUX_SLL }) as LacpPdu;
    const two = decodeChecked(buildSll2Frame({ src, direction, ifIndex, payload }), { linkType: LINKTYPE.LINUX_SLL2 }) as LacpPdu;
    for (const pdu of [one, two]) expect(pdu).toMatchObject({ src, dst: null, direction, actor: { ...actor }, problems: [] });
  });
});

function bits(n: number): number {
  let c = 0;
  for (let v = n; v; v >>= 1) c += v & 1;
  return c;
}
