/**
 * Builds Slow Protocols payloads and link-layer frames from fields: used to rebuild frames from
 * printed tcpdump text and by tests. Driven by the same field table as the decoder.
 */
import { LACP_FIELDS, MARKER_FIELDS, MARKER_TLV, SLOW_DESTINATIONS, SLOW_PDU_LENGTH, LACP_TLV_WALK_OFFSET, type FieldDef } from './fields.js';
import { ETHERTYPE_SLOW } from '../capture/linklayer.js';
import type { PortInfo } from './pdu.js';

/** One side's information as carried on the wire: a decoded PortInfo without its flag names. */
export type PortFields = Omit<PortInfo, 'flags'>;

export interface LacpFields {
  version?: number;
  actor: PortFields;
  partner: PortFields;
  collectorMaxDelay?: number;
  tlvs?: { type: number; value: Uint8Array }[];
}

export interface MarkerFields {
  response: boolean;
  requesterPort: number;
  requesterSystem: string;
  requesterTransactionId: number;
}

export interface VlanTag {
  /** Defaults to 0x8100 (802.1Q). */
  tpid?: number;
  id: number;
  pcp?: number;
}

interface LinkPayload {
  src: string;
  vlans?: VlanTag[];
  /** Defaults to Slow Protocols, 0x8809. */
  etherType?: number;
  payload: Uint8Array;
}

/** Parses `aa:bb:cc:dd:ee:ff` (or `-`/`.`-separated, or 12 bare hex digits) into 6 bytes. */
export function parseMac(mac: string): Uint8Array {
  const hex = mac.replace(/[:.-]/g, '');
  if (!/^[0-9a-fA-F]{12}$/.test(hex)) throw new RangeError(`not a MAC address: ${mac}`);
  const out = new Uint8Array(6);
  for (let i = 0; i < 6; i++) out[i] = parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return out;
}

function writeUint(buf: Uint8Array, at: number, size: number, value: number): void {
  let v = value;
  for (let i = size - 1; i >= 0; i--) {
    buf[at + i] = v & 0xff;
    v = Math.floor(v / 256);
  }
}

/** Writes one table field; `value` is a number or, for `mac`, a MAC string. */
function writeField(buf: Uint8Array, f: FieldDef, value: number | string | undefined): void {
  if (f.kind === 'mac') {
    buf.set(parseMac(String(value)), f.offset);
  } else if (f.kind !== 'reserved') {
    writeUint(buf, f.offset, f.size, Number(value ?? f.expect ?? 0));
  }
}

/** The value for a dotted table name from a fields object (`actor.key` → f.actor.key). */
function lookup(obj: object, path: string): number | string | undefined {
  let cur: unknown = obj;
  for (const part of path.split('.')) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[part];
  }
  return typeof cur === 'number' || typeof cur === 'string' ? cur : undefined;
}

/**
 * A LACPDU from the subtype byte on: 110 bytes, longer when the TLVs after the collector do not
 * fit before the terminator's reserved area would end.
 */
export function encodeLacpPayload(f: LacpFields): Uint8Array {
  const tlvs = f.tlvs ?? [];
  const tlvBytes = tlvs.reduce((n, t) => n + 2 + t.value.length, 0);
  const buf = new Uint8Array(Math.max(SLOW_PDU_LENGTH, LACP_TLV_WALK_OFFSET + tlvBytes + 2));
  const values = { subtype: 1, version: f.version ?? 1, actor: f.actor, partner: f.partner, collectorMaxDelay: f.collectorMaxDelay ?? 0 };
  for (const field of LACP_FIELDS) {
    // The terminator moves behind any further TLVs; it is written after them below.
    if (field.offset >= LACP_TLV_WALK_OFFSET) continue;
    writeField(buf, field, lookup(values, field.name));
  }
  let at = LACP_TLV_WALK_OFFSET;
  for (const t of tlvs) {
    buf[at] = t.type;
    buf[at + 1] = (t.value.length + 2) & 0xff;
    buf.set(t.value, at + 2);
    at += 2 + t.value.length;
  }
  // Terminator type and length are both 0, as the zero-filled buffer already holds.
  return buf;
}

/** A Marker (or Marker Response) PDU from the subtype byte on: 110 bytes. */
export function encodeMarkerPayload(f: MarkerFields): Uint8Array {
  const buf = new Uint8Array(SLOW_PDU_LENGTH);
  const values = {
    subtype: 2,
    version: 1,
    marker: { tlvType: f.response ? MARKER_TLV.RESPONSE : MARKER_TLV.INFORMATION },
    requesterPort: f.requesterPort,
    requesterSystem: f.requesterSystem,
    requesterTransactionId: f.requesterTransactionId,
  };
  for (const field of MARKER_FIELDS) writeField(buf, field, lookup(values, field.name));
  return buf;
}

/** VLAN tags followed by the EtherType and the payload: what follows the addresses / SLL protocol field. */
function tagsTypeAndPayload(o: LinkPayload, firstTypeWritten: boolean): Uint8Array {
  const vlans = o.vlans ?? [];
  const etherType = o.etherType ?? ETHERTYPE_SLOW;
  const out = new Uint8Array(vlans.length * 4 + (firstTypeWritten ? 0 : 2) + o.payload.length);
  // Each tag is TPID then TCI; the type field of the header itself holds the first TPID, so the
  // remaining sequence is TCI, next TPID-or-EtherType, ...
  const types = [...vlans.map((v) => v.tpid ?? 0x8100), etherType];
  let at = 0;
  if (!firstTypeWritten) {
    writeUint(out, 0, 2, types[0]);
    at = 2;
  }
  vlans.forEach((v, i) => {
    writeUint(out, at, 2, (((v.pcp ?? 0) & 7) << 13) | (v.id & 0x0fff));
    writeUint(out, at + 2, 2, types[i + 1]);
    at += 4;
  });
  out.set(o.payload, at);
  return out;
}

function firstType(o: LinkPayload): number {
  const v = o.vlans ?? [];
  return v.length > 0 ? (v[0].tpid ?? 0x8100) : (o.etherType ?? ETHERTYPE_SLOW);
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** An Ethernet II frame (no FCS, no padding) to `dst`, by default the Slow Protocols address. */
export function buildEthernetFrame(o: LinkPayload & { dst?: string }): Uint8Array {
  const head = new Uint8Array(12);
  head.set(parseMac(o.dst ?? SLOW_DESTINATIONS.SLOW_PROTOCOLS), 0);
  head.set(parseMac(o.src), 6);
  return concat([head, tagsTypeAndPayload(o, false)]);
}

/** Linux cooked packet types: 2 multicast (what a received LACPDU is), 4 outgoing. */
const SLL_PACKET_MULTICAST = 2;
const SLL_PACKET_OUTGOING = 4;
const ARPHRD_ETHER = 1;

/** A Linux cooked v1 (DLT_LINUX_SLL, 113) frame. */
export function buildSllFrame(o: LinkPayload & { direction: 'in' | 'out' }): Uint8Array {
  const head = new Uint8Array(16);
  writeUint(head, 0, 2, o.direction === 'out' ? SLL_PACKET_OUTGOING : SLL_PACKET_MULTICAST);
  writeUint(head, 2, 2, ARPHRD_ETHER);
  writeUint(head, 4, 2, 6);
  head.set(parseMac(o.src), 6);
  writeUint(head, 14, 2, firstType(o));
  return concat([head, tagsTypeAndPayload(o, true)]);
}

/** A Linux cooked v2 (DLT_LINUX_SLL2, 276) frame. */
export function buildSll2Frame(o: LinkPayload & { ifIndex: number; direction: 'in' | 'out' }): Uint8Array {
  const head = new Uint8Array(20);
  writeUint(head, 0, 2, firstType(o));
  writeUint(head, 4, 4, o.ifIndex >>> 0);
  writeUint(head, 8, 2, ARPHRD_ETHER);
  head[10] = o.direction === 'out' ? SLL_PACKET_OUTGOING : SLL_PACKET_MULTICAST;
  head[11] = 6;
  head.set(parseMac(o.src), 12);
  return concat([head, tagsTypeAndPayload(o, true)]);
}
