/**
 * Link-layer headers: where the Slow Protocols payload starts, for the reader's hot loop
 * (no allocation) and, in full, for the decoder (addresses, tags, direction).
 */
import { LINKTYPE, type Direction } from './frame.js';
import type { Vlan } from '../decode/pdu.js';

export const ETHERTYPE_SLOW = 0x8809;
/** TPIDs followed as VLAN tags: 802.1Q, 802.1ad, and the pre-standard QinQ 0x9100. */
export const VLAN_TPIDS: readonly number[] = [0x8100, 0x88a8, 0x9100];

/** Linux cooked packet types (print-sll.c): 4 is outgoing, the rest were received. */
const SLL_OUTGOING = 4;

function isVlanTpid(t: number): boolean {
  return t === 0x8100 || t === 0x88a8 || t === 0x9100;
}

/** Offset of the EtherType (or SLL protocol) field and the header length before it, per link type. */
function typeFieldOffset(linkType: number): number {
  switch (linkType) {
    case LINKTYPE.ETHERNET:
      return 12;
    case LINKTYPE.LINUX_SLL:
      return 14;
    case LINKTYPE.LINUX_SLL2:
      return 0;
    default:
      return -1;
  }
}

function headerEnd(linkType: number): number {
  return linkType === LINKTYPE.LINUX_SLL2 ? 20 : linkType === LINKTYPE.LINUX_SLL ? 16 : 14;
}

/**
 * Offset (relative to `start`) of the slow-protocol subtype byte when the frame in
 * `buf[start, end)` is a Slow Protocols frame, after any VLAN tags; -1 otherwise.
 * Allocation-free: the readers call it for every record.
 */
export function slowPayloadOffset(linkType: number, buf: Uint8Array, start: number, end: number): number {
  const tf = typeFieldOffset(linkType);
  if (tf < 0) return -1;
  let typeAt = start + tf;
  let payload = start + headerEnd(linkType);
  if (payload > end) return -1;
  let type = (buf[typeAt] << 8) | buf[typeAt + 1];
  while (isVlanTpid(type)) {
    // A tag: the inner type sits 4 bytes further on. For SLL2 the first type is not adjacent to the payload.
    typeAt = payload + 2;
    payload += 4;
    if (payload > end) return -1;
    type = (buf[typeAt] << 8) | buf[typeAt + 1];
  }
  return type === ETHERTYPE_SLOW ? payload - start : -1;
}

/** Two lower-case hex digits per byte value: formatting a byte is one lookup, not toString and padding. */
export const HEX_PAIRS: readonly string[] = Array.from({ length: 256 }, (_, b) => b.toString(16).padStart(2, '0'));

/**
 * Each address once formatted: a capture holds few distinct MACs and every LACPDU carries four, so
 * a lookup by value replaces building the string (and equal addresses are then the same string,
 * which the analyzer compares on every PDU). Cleared when full, so memory stays bounded.
 */
const MAC_STRINGS = new Map<number, string>();
const MAC_STRINGS_MAX = 4096;

export function formatMac(buf: Uint8Array, at: number): string {
  // 48 bits as one number: exact in a double.
  const value = ((buf[at] << 16) | (buf[at + 1] << 8) | buf[at + 2]) * 0x1000000 + ((buf[at + 3] << 16) | (buf[at + 4] << 8) | buf[at + 5]);
  let text = MAC_STRINGS.get(value);
  if (text === undefined) {
    const h = HEX_PAIRS;
    text = `${h[buf[at]]}:${h[buf[at + 1]]}:${h[buf[at + 2]]}:${h[buf[at + 3]]}:${h[buf[at + 4]]}:${h[buf[at + 5]]}`;
    if (MAC_STRINGS.size >= MAC_STRINGS_MAX) MAC_STRINGS.clear();
    MAC_STRINGS.set(value, text);
  }
  return text;
}

export interface LinkHeader {
  src: string | null;
  dst: string | null;
  vlans: Vlan[];
  direction: Direction;
  /** SLL2 interface index, when the header carries one. */
  ifIndex: number | null;
  /** EtherType after the tags, or null when the frame ends first. */
  etherType: number | null;
  /** Offset of the first byte after the link header and tags. */
  payloadOffset: number;
}

/** Full parse of the link header, bounds-checked: a frame too short yields `etherType: null`. */
export function parseLinkHeader(linkType: number, data: Uint8Array): LinkHeader {
  const h: LinkHeader = { src: null, dst: null, vlans: [], direction: null, ifIndex: null, etherType: null, payloadOffset: 0 };
  const tf = typeFieldOffset(linkType);
  if (tf < 0) return h;
  const end = headerEnd(linkType);
  if (linkType === LINKTYPE.ETHERNET) {
    if (data.length >= 6) h.dst = formatMac(data, 0);
    if (data.length >= 12) h.src = formatMac(data, 6);
  } else if (linkType === LINKTYPE.LINUX_SLL) {
    if (data.length >= 2) h.direction = ((data[0] << 8) | data[1]) === SLL_OUTGOING ? 'out' : 'in';
    if (data.length >= 12 && ((data[4] << 8) | data[5]) === 6) h.src = formatMac(data, 6);
  } else {
    if (data.length >= 8) h.ifIndex = ((data[4] << 24) | (data[5] << 16) | (data[6] << 8) | data[7]) >>> 0;
    if (data.length >= 11) h.direction = data[10] === SLL_OUTGOING ? 'out' : 'in';
    if (data.length >= 18 && data[11] === 6) h.src = formatMac(data, 12);
  }
  if (data.length < end) {
    h.payloadOffset = data.length;
    return h;
  }
  let typeAt = tf;
  let payload = end;
  let type = (data[typeAt] << 8) | data[typeAt + 1];
  while (isVlanTpid(type)) {
    if (payload + 4 > data.length) {
      h.payloadOffset = data.length;
      return h;
    }
    const tci = (data[payload] << 8) | data[payload + 1];
    h.vlans.push({ tpid: type, id: tci & 0x0fff, pcp: tci >> 13, dei: (tci & 0x1000) !== 0 });
    typeAt = payload + 2;
    payload += 4;
    type = (data[typeAt] << 8) | data[typeAt + 1];
  }
  h.etherType = type;
  h.payloadOffset = payload;
  return h;
}
