/**
 * Frame and capture generator shared by the tests: LACPDUs with every state bit, version 2 and
 * vendor TLVs, Marker, OAM, OSSP, unknown subtypes, VLAN tags, Linux cooked headers, malformed
 * and truncated frames, and the captures built from them (test/golden/make-goldens.sh).
 */
import { LINKTYPE, type Direction, type Frame } from '../../src/capture/frame.js';
import {
  buildEthernetFrame,
  buildSll2Frame,
  buildSllFrame,
  encodeLacpPayload,
  encodeMarkerPayload,
  type LacpFields,
  type PortFields,
  type VlanTag,
} from '../../src/decode/encode.js';
import { LACP_FIELDS, STATE_BITS } from '../../src/decode/fields.js';

export const ACTOR: PortFields = { systemPriority: 32768, system: '02:aa:00:00:00:01', key: 17, portPriority: 32768, port: 1, state: 0x3f };
export const PARTNER: PortFields = { systemPriority: 32768, system: '02:bb:00:00:00:02', key: 33, portPriority: 32768, port: 5, state: 0x3f };
export const SRC = '02:0a:00:00:00:01';

export function lacp(over: Partial<LacpFields> = {}): Uint8Array {
  return encodeLacpPayload({ actor: ACTOR, partner: PARTNER, ...over });
}

/** Payload with bytes patched at offsets from the subtype byte. */
export function patch(payload: Uint8Array, edits: Record<number, number>): Uint8Array {
  const out = payload.slice();
  for (const [at, v] of Object.entries(edits)) out[Number(at)] = v;
  return out;
}

export function oam(code: number, flags = 0x0050, data: number[] = []): Uint8Array {
  return Uint8Array.from([0x03, flags >> 8, flags & 0xff, code, ...data]);
}

/** ESMC (ITU-T OSSP) Information PDU with a QL TLV, as in tcpdump's slow-ossp test. */
export function ossp(oui: [number, number, number] = [0x00, 0x19, 0xa7]): Uint8Array {
  return Uint8Array.from([0x0a, ...oui, 0x00, 0x01, 0x10, 0x00, 0x00, 0x00, 0x01, 0x00, 0x04, 0x04]);
}

export function unknownSubtype(subtype: number, length = 46): Uint8Array {
  const out = new Uint8Array(length);
  out[0] = subtype;
  for (let i = 1; i < length; i++) out[i] = i & 0xff;
  return out;
}

/** Pads a frame to the 60-byte Ethernet minimum, as a NIC does. */
export function padEthernet(frame: Uint8Array): Uint8Array {
  if (frame.length >= 60) return frame;
  const out = new Uint8Array(60);
  out.set(frame);
  return out;
}

export function eth(payload: Uint8Array, o: { src?: string; dst?: string; vlans?: VlanTag[] } = {}): Uint8Array {
  return padEthernet(buildEthernetFrame({ src: o.src ?? SRC, dst: o.dst, vlans: o.vlans, payload }));
}

/** A Frame as a reader hands it to the decoder. */
export function frameOf(
  data: Uint8Array,
  o: { linkType?: number; index?: number; timeNs?: bigint; direction?: Direction; originalLength?: number; source?: string; iface?: string } = {},
): Frame {
  return {
    source: o.source ?? 'gen.pcap',
    interface: o.iface ?? 'gen.pcap',
    index: o.index ?? 1,
    timeNs: o.timeNs ?? 1_700_000_000_123_456_789n,
    linkType: o.linkType ?? LINKTYPE.ETHERNET,
    direction: o.direction ?? null,
    capturedLength: data.length,
    originalLength: o.originalLength ?? data.length,
    data,
  };
}

/** Every single state bit, none, all, and the common values named in the notes, for actor and partner. */
export function stateValues(): number[] {
  return [0x00, 0xff, ...STATE_BITS.map((b) => b.mask), 0x3d, 0x3f, 0x3c, 0x45, 0x47, 0x07, 0x85, 0xc7, 0x36, 0x4d, 0x7d];
}

/** Version 2 TLVs that fit in 110 bytes (0x04, 0x05, 0x0A), and a long PDU with all four masks. */
export function v2Tlvs(long: boolean): { type: number; value: Uint8Array }[] {
  const fill = (n: number, seed: number) => Uint8Array.from({ length: n }, (_, i) => (seed + i * 7) & 0xff);
  const base = [
    { type: 0x04, value: Uint8Array.from([0x00, 0x80, 0xc2, 0x01]) },
    { type: 0x05, value: fill(18, 3) },
    { type: 0x0a, value: fill(16, 9) },
  ];
  if (!long) return base;
  return [
    ...base,
    { type: 0x06, value: fill(129, 1) },
    { type: 0x07, value: fill(128, 2) },
    { type: 0x08, value: fill(128, 4) },
    { type: 0x09, value: fill(128, 5) },
  ];
}

export function sonicTlvs(actorRetry = 3, partnerRetry = 3): { type: number; value: Uint8Array }[] {
  return [
    { type: 0x80, value: Uint8Array.from([actorRetry, 0]) },
    { type: 0x81, value: Uint8Array.from([partnerRetry, 0]) },
  ];
}

export interface GenFrame {
  data: Uint8Array;
  originalLength?: number;
  direction?: Direction;
  /** What the frame exercises, for test names. */
  label: string;
}

/** Every Ethernet frame kind the golden captures hold (one pcap of them all). */
export function ethernetZoo(): GenFrame[] {
  const out: GenFrame[] = [];
  for (const s of stateValues()) {
    out.push({ label: `actor state 0x${s.toString(16)}`, data: eth(lacp({ actor: { ...ACTOR, state: s }, partner: { ...PARTNER, state: 0xff ^ s } })) });
  }
  out.push({ label: 'odd field values', data: eth(lacp({ actor: { systemPriority: 0xffff, system: 'ff:ff:ff:ff:ff:fe', key: 0xffff, portPriority: 0, port: 0xffff, state: 0 }, collectorMaxDelay: 0xffff })) });
  out.push({ label: 'collector max delay 32768', data: eth(lacp({ collectorMaxDelay: 32768 })) });
  out.push({ label: 'v2 short TLVs', data: eth(lacp({ version: 2, tlvs: v2Tlvs(false) })) });
  out.push({ label: 'v2 long PDU with masks', data: eth(lacp({ version: 2, tlvs: v2Tlvs(true) })) });
  out.push({ label: 'v2 unknown TLV', data: eth(lacp({ version: 2, tlvs: [{ type: 0x42, value: Uint8Array.from([1, 2, 3]) }] })) });
  out.push({ label: 'SONiC 0xF1', data: eth(lacp({ version: 0xf1, tlvs: sonicTlvs(3, 5) })) });
  out.push({ label: 'version 3', data: eth(lacp({ version: 3 })) });
  out.push({ label: 'marker', data: eth(encodeMarkerPayload({ response: false, requesterPort: 7, requesterSystem: '02:aa:00:00:00:01', requesterTransactionId: 0x01020304 })) });
  out.push({ label: 'marker response', data: eth(encodeMarkerPayload({ response: true, requesterPort: 7, requesterSystem: '02:aa:00:00:00:01', requesterTransactionId: 0x01020304 })) });
  for (const code of [0x00, 0x01, 0x04, 0xfe, 0x77]) out.push({ label: `OAM code ${code}`, data: eth(oam(code, 0x0008 | code, [0x01, 0x10, 0x01, 0x00])) });
  out.push({ label: 'OSSP ITU-T', data: eth(ossp()) });
  out.push({ label: 'OSSP other OUI', data: eth(ossp([0x00, 0x12, 0x34])) });
  out.push({ label: 'unknown subtype 9', data: eth(unknownSubtype(9)) });
  out.push({ label: 'unknown subtype 0', data: eth(unknownSubtype(0)) });
  out.push({ label: 'DA nearest customer bridge', data: eth(lacp(), { dst: '01:80:c2:00:00:00' }) });
  out.push({ label: 'DA unicast', data: eth(lacp(), { dst: '02:00:00:00:00:99' }) });
  out.push({ label: 'trailer FCS', data: Uint8Array.from([...eth(lacp()), 0xde, 0xad, 0xbe, 0xef]) });
  out.push({ label: 'zero padding', data: Uint8Array.from([...eth(lacp()), 0, 0, 0, 0]) });
  out.push(...malformed().map((m) => ({ label: m.label, data: eth(m.payload) })));
  return out;
}

/** Payloads Wireshark's expert checks and ours flag. */
export function malformed(): { label: string; payload: Uint8Array }[] {
  const p = lacp();
  return [
    { label: 'actor TLV type 9', payload: patch(p, { 2: 0x09 }) },
    { label: 'actor length 19', payload: patch(p, { 3: 19 }) },
    { label: 'partner TLV type 1', payload: patch(p, { 22: 0x01 }) },
    { label: 'partner length 0', payload: patch(p, { 23: 0 }) },
    { label: 'collector TLV type 4', payload: patch(p, { 42: 0x04 }) },
    { label: 'collector length 20', payload: patch(p, { 43: 20 }) },
    { label: 'terminator type 5', payload: patch(p, { 58: 0x05 }) },
    { label: 'terminator length 2', payload: patch(p, { 59: 2 }) },
    { label: 'non-zero reserved', payload: patch(p, { 19: 1, 40: 2, 50: 3, 100: 4 }) },
    { label: 'v2 terminator length 2', payload: patch(lacp({ version: 2 }), { 59: 2 }) },
    { label: 'v2 TLV length 1', payload: patch(lacp({ version: 2, tlvs: v2Tlvs(false) }), { 59: 1 }) },
    { label: 'marker TLV type 3', payload: patch(encodeMarkerPayload({ response: false, requesterPort: 1, requesterSystem: SRC, requesterTransactionId: 1 }), { 2: 3 }) },
    { label: 'marker length 15', payload: patch(encodeMarkerPayload({ response: false, requesterPort: 1, requesterSystem: SRC, requesterTransactionId: 1 }), { 3: 15 }) },
    { label: 'marker pad 1', payload: patch(encodeMarkerPayload({ response: true, requesterPort: 1, requesterSystem: SRC, requesterTransactionId: 1 }), { 17: 1 }) },
    { label: 'marker terminator length 1', payload: patch(encodeMarkerPayload({ response: false, requesterPort: 1, requesterSystem: SRC, requesterTransactionId: 1 }), { 19: 1 }) },
  ];
}

/**
 * Frames added after the zoo was fixed: the tcpdump text goldens are built from the zoo
 * captures, so new cases go to a capture of their own instead of changing the zoo.
 */
export function extraChecks(): GenFrame[] {
  const marker = encodeMarkerPayload({ response: false, requesterPort: 1, requesterSystem: SRC, requesterTransactionId: 1 });
  return [{ label: 'marker terminator type 1', data: eth(patch(marker, { 18: 1 })) }];
}

/** Cut points: the start and end of every LACP field, plus every byte of the first 60. */
export function lacpCutPoints(): number[] {
  const set = new Set<number>();
  for (const f of LACP_FIELDS) {
    set.add(f.offset);
    set.add(f.offset + 1);
    set.add(f.offset + f.size - 1);
  }
  return [...set].filter((n) => n >= 0 && n < 110).sort((a, b) => a - b);
}

/** Frames cut by a snapshot length at every field (original length stays 124). */
export function snapCutFrames(): GenFrame[] {
  const full = eth(lacp());
  return lacpCutPoints().map((n) => ({ label: `snap cut at payload ${n}`, data: full.subarray(0, 14 + n), originalLength: full.length }));
}

/** Frames short on the wire (no padding: the wire frame itself ends early). */
export function shortFrames(): GenFrame[] {
  const full = buildEthernetFrame({ src: SRC, payload: lacp() });
  return [1, 2, 20, 42, 58, 60, 109].map((n) => ({ label: `short PDU ${n}`, data: full.slice(0, 14 + n) }));
}

export function vlanFrames(): GenFrame[] {
  return [
    { label: '802.1Q vlan 100', data: eth(lacp(), { vlans: [{ id: 100, pcp: 7 }] }) },
    { label: 'QinQ 802.1ad 200 + 802.1Q 100', data: eth(lacp(), { vlans: [{ tpid: 0x88a8, id: 200, pcp: 3 }, { id: 100 }] }) },
    { label: '0x9100 outer', data: eth(encodeMarkerPayload({ response: false, requesterPort: 2, requesterSystem: SRC, requesterTransactionId: 9 }), { vlans: [{ tpid: 0x9100, id: 4094 }] }) },
  ];
}

export function sllFrames(): GenFrame[] {
  return [
    { label: 'sll in', direction: 'in', data: buildSllFrame({ src: SRC, direction: 'in', payload: lacp() }) },
    { label: 'sll out', direction: 'out', data: buildSllFrame({ src: '02:bb:00:00:00:02', direction: 'out', payload: lacp({ actor: PARTNER, partner: ACTOR }) }) },
    { label: 'sll vlan', direction: 'in', data: buildSllFrame({ src: SRC, direction: 'in', vlans: [{ id: 42 }], payload: lacp() }) },
    { label: 'sll marker', direction: 'in', data: buildSllFrame({ src: SRC, direction: 'in', payload: encodeMarkerPayload({ response: true, requesterPort: 3, requesterSystem: SRC, requesterTransactionId: 77 }) }) },
  ];
}

export function sll2Frames(): GenFrame[] {
  return [
    { label: 'sll2 in', direction: 'in', data: buildSll2Frame({ src: SRC, ifIndex: 2, direction: 'in', payload: lacp() }) },
    { label: 'sll2 out', direction: 'out', data: buildSll2Frame({ src: '02:bb:00:00:00:02', ifIndex: 3, direction: 'out', payload: lacp({ actor: PARTNER, partner: ACTOR, version: 2, tlvs: v2Tlvs(false) }) }) },
    { label: 'sll2 vlan', direction: 'in', data: buildSll2Frame({ src: SRC, ifIndex: 2, direction: 'in', vlans: [{ tpid: 0x88a8, id: 7 }], payload: lacp() }) },
    { label: 'sll2 oam', direction: 'in', data: buildSll2Frame({ src: SRC, ifIndex: 2, direction: 'in', payload: oam(0) }) },
  ];
}

/** One second apart from a fixed start, with a nanosecond part so ns captures keep 9 digits. */
export function timeOf(i: number): bigint {
  return 1_700_000_000_000_000_000n + BigInt(i) * 1_000_000_000n + 123_456_789n;
}
