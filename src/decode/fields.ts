/**
 * The Slow Protocols field table (the packet-lacp.c / packet-marker.c model). Decoder, encoder,
 * text formatting and the TUI's detail and hex views all read these tables, so a field's name,
 * offset and size live in exactly one place. Offsets count from the slow-protocol subtype byte.
 */
import type { StateFlag } from './pdu.js';

export const SLOW_SUBTYPE = {
  LACP: 0x01,
  MARKER: 0x02,
  OAM: 0x03,
  OSSP: 0x0a,
} as const;

/** Length of a version 1 LACPDU or Marker PDU counted from the subtype byte. */
export const SLOW_PDU_LENGTH = 110;

export type FieldKind = 'uint8' | 'uint16' | 'uint32' | 'mac' | 'state' | 'tlvType' | 'tlvLength' | 'reserved';

export interface FieldDef {
  /** Dotted path into the decoded PDU object (`actor.key`), or a descriptive path for header bytes. */
  readonly name: string;
  /** Wireshark's tree label. */
  readonly label: string;
  /** tshark field abbreviation (`-e` name). */
  readonly abbrev: string;
  readonly offset: number;
  readonly size: number;
  readonly kind: FieldKind;
  /** Value a conforming PDU carries (TLV types and lengths); Wireshark's expert checks compare with it. */
  readonly expect?: number;
}

/** A TLV's type and length bytes: Wireshark checks both against the expected values. */
function tlvHeader<G extends string>(group: G, offset: number, type: number | undefined, length: number, abbrev: { type: string; length: string }) {
  return [
    { name: `${group}.tlvType`, label: 'TLV Type', abbrev: abbrev.type, offset, size: 1, kind: 'tlvType', ...(type === undefined ? {} : { expect: type }) },
    { name: `${group}.tlvLength`, label: 'TLV Length', abbrev: abbrev.length, offset: offset + 1, size: 1, kind: 'tlvLength', expect: length },
  ] as const satisfies readonly FieldDef[];
}

const LACP_TLV_ABBREV = { type: 'lacp.tlv_type', length: 'lacp.tlv_length' };
const MARKER_TLV_ABBREV = { type: 'marker.tlvType', length: 'marker.tlvLen' };

/** Actor and partner information share one layout, 20 bytes apart. */
function portInfo(group: 'actor' | 'partner', base: number, type: number) {
  const Title = group === 'actor' ? 'Actor' : 'Partner';
  return [
    ...tlvHeader(group, base, type, 20, LACP_TLV_ABBREV),
    { name: `${group}.systemPriority`, label: `${Title} System Priority`, abbrev: `lacp.${group}.sys_priority`, offset: base + 2, size: 2, kind: 'uint16' },
    { name: `${group}.system`, label: group === 'actor' ? 'Actor System ID' : 'Partner System', abbrev: `lacp.${group}.sysid`, offset: base + 4, size: 6, kind: 'mac' },
    { name: `${group}.key`, label: `${Title} Key`, abbrev: `lacp.${group}.key`, offset: base + 10, size: 2, kind: 'uint16' },
    { name: `${group}.portPriority`, label: `${Title} Port Priority`, abbrev: `lacp.${group}.port_priority`, offset: base + 12, size: 2, kind: 'uint16' },
    { name: `${group}.port`, label: `${Title} Port`, abbrev: `lacp.${group}.port`, offset: base + 14, size: 2, kind: 'uint16' },
    { name: `${group}.state`, label: `${Title} State`, abbrev: `lacp.${group}.state`, offset: base + 16, size: 1, kind: 'state' },
    { name: `${group}.reserved`, label: 'Reserved', abbrev: `lacp.${group}.reserved`, offset: base + 17, size: 3, kind: 'reserved' },
  ] as const satisfies readonly FieldDef[];
}

/** LACPDU version 1, every byte from the subtype to the end of the 110-byte PDU. */
export const LACP_FIELDS = [
  { name: 'subtype', label: 'Slow Protocols subtype', abbrev: 'slow.subtype', offset: 0, size: 1, kind: 'uint8', expect: 1 },
  { name: 'version', label: 'LACP Version', abbrev: 'lacp.version', offset: 1, size: 1, kind: 'uint8' },
  ...portInfo('actor', 2, 0x01),
  ...portInfo('partner', 22, 0x02),
  ...tlvHeader('collector', 42, 0x03, 16, LACP_TLV_ABBREV),
  { name: 'collectorMaxDelay', label: 'Collector Max Delay', abbrev: 'lacp.collector.max_delay', offset: 44, size: 2, kind: 'uint16' },
  { name: 'collector.reserved', label: 'Reserved', abbrev: 'lacp.coll_reserved', offset: 46, size: 12, kind: 'reserved' },
  ...tlvHeader('terminator', 58, 0x00, 0, LACP_TLV_ABBREV),
  { name: 'terminator.reserved', label: 'Pad', abbrev: 'lacp.pad', offset: 60, size: 50, kind: 'reserved' },
] as const satisfies readonly FieldDef[];

/** Where the fixed version 1 part ends and, for version 2 and vendor versions, the TLV walk starts. */
export const LACP_TLV_WALK_OFFSET = 58;

/** Marker and Marker Response PDU (802.1AX clause 6.5). The TLV type is 1 or 2, checked by the decoder. */
export const MARKER_FIELDS = [
  { name: 'subtype', label: 'Slow Protocols subtype', abbrev: 'slow.subtype', offset: 0, size: 1, kind: 'uint8', expect: 2 },
  { name: 'version', label: 'Version Number', abbrev: 'marker.version', offset: 1, size: 1, kind: 'uint8' },
  ...tlvHeader('marker', 2, undefined, 16, MARKER_TLV_ABBREV),
  { name: 'requesterPort', label: 'Requester Port', abbrev: 'marker.requesterPort', offset: 4, size: 2, kind: 'uint16' },
  { name: 'requesterSystem', label: 'Requester System', abbrev: 'marker.requesterSystem', offset: 6, size: 6, kind: 'mac' },
  { name: 'requesterTransactionId', label: 'Requester Transaction ID', abbrev: 'marker.requesterTransId', offset: 12, size: 4, kind: 'uint32' },
  { name: 'marker.pad', label: 'Requester Pad', abbrev: 'marker.requesterPad', offset: 16, size: 2, kind: 'reserved' },
  ...tlvHeader('terminator', 18, 0x00, 0, MARKER_TLV_ABBREV),
  { name: 'terminator.reserved', label: 'Reserved', abbrev: 'marker.reserved', offset: 20, size: 90, kind: 'reserved' },
] as const satisfies readonly FieldDef[];

export const MARKER_TLV = { INFORMATION: 0x01, RESPONSE: 0x02 } as const;

/**
 * The 8 state bits, bit 0 first. `tcpdump` is the word tcpdump prints (note "Default"),
 * `letter` Wireshark's character in the MSB-first `EFDCSGSA` string, `tree` Wireshark's
 * detail-tree name, `ovs` the word `ovs-appctl lacp/show` prints.
 */
export const STATE_BITS = [
  { bit: 0, mask: 0x01, flag: 'activity', tcpdump: 'Activity', letter: 'A', tree: 'LACP Activity', ovs: 'activity', abbrev: 'activity' },
  { bit: 1, mask: 0x02, flag: 'timeout', tcpdump: 'Timeout', letter: 'S', tree: 'LACP Timeout', ovs: 'timeout', abbrev: 'timeout' },
  { bit: 2, mask: 0x04, flag: 'aggregation', tcpdump: 'Aggregation', letter: 'G', tree: 'Aggregation', ovs: 'aggregation', abbrev: 'aggregation' },
  { bit: 3, mask: 0x08, flag: 'synchronization', tcpdump: 'Synchronization', letter: 'S', tree: 'Synchronization', ovs: 'synchronized', abbrev: 'synchronization' },
  { bit: 4, mask: 0x10, flag: 'collecting', tcpdump: 'Collecting', letter: 'C', tree: 'Collecting', ovs: 'collecting', abbrev: 'collecting' },
  { bit: 5, mask: 0x20, flag: 'distributing', tcpdump: 'Distributing', letter: 'D', tree: 'Distributing', ovs: 'distributing', abbrev: 'distributing' },
  { bit: 6, mask: 0x40, flag: 'defaulted', tcpdump: 'Default', letter: 'F', tree: 'Defaulted', ovs: 'defaulted', abbrev: 'defaulted' },
  { bit: 7, mask: 0x80, flag: 'expired', tcpdump: 'Expired', letter: 'E', tree: 'Expired', ovs: 'expired', abbrev: 'expired' },
] as const satisfies readonly { bit: number; mask: number; flag: StateFlag; tcpdump: string; letter: string; tree: string; ovs: string; abbrev: string }[];

/**
 * TLVs after the collector in version 2 (802.1AX-2014 6.4.2.4) and in the SONiC 0xF1 variant.
 * `length` is the length a conforming TLV carries (header included).
 */
export const LACP_TLV_TYPES = [
  { type: 0x04, name: 'Port Algorithm', length: 6 },
  { type: 0x05, name: 'Port Conversation ID Digest', length: 20 },
  { type: 0x06, name: 'Port Conversation Mask-1', length: 131 },
  { type: 0x07, name: 'Port Conversation Mask-2', length: 130 },
  { type: 0x08, name: 'Port Conversation Mask-3', length: 130 },
  { type: 0x09, name: 'Port Conversation Mask-4', length: 130 },
  { type: 0x0a, name: 'Port Conversation Service Mapping', length: 18 },
  { type: 0x80, name: 'Actor Retry Count', length: 4 },
  { type: 0x81, name: 'Partner Retry Count', length: 4 },
] as const;

/** LACP versions lacpscope knows. Version 2 and later carry further TLVs after the collector. */
export const LACP_VERSIONS: Readonly<Record<number, string>> = {
  0x01: '802.3ad / 802.1AX-2008',
  0x02: '802.1AX-2014',
  0xf1: 'SONiC retry count',
};

export const SLOW_DESTINATIONS = {
  /** Slow_Protocols_Multicast, the address every implementation uses. */
  SLOW_PROTOCOLS: '01:80:c2:00:00:02',
  /** Also allowed by 802.1AX-2014 6.2.11.2, but Linux and FreeBSD ignore frames sent to them. */
  NEAREST_CUSTOMER_BRIDGE: '01:80:c2:00:00:00',
  NEAREST_NON_TPMR_BRIDGE: '01:80:c2:00:00:03',
} as const;

/** OAM (802.3 clause 57) header after the subtype: flags (2) then code (1). */
export const OAM_FIELDS = [
  { name: 'subtype', label: 'Slow Protocols subtype', abbrev: 'slow.subtype', offset: 0, size: 1, kind: 'uint8', expect: 3 },
  { name: 'flags', label: 'Flags', abbrev: 'oampdu.flags', offset: 1, size: 2, kind: 'uint16' },
  { name: 'code', label: 'OAMPDU code', abbrev: 'oampdu.code', offset: 3, size: 1, kind: 'uint8' },
] as const satisfies readonly FieldDef[];

export const OAM_CODES: Readonly<Record<number, string>> = {
  0x00: 'Information',
  0x01: 'Event Notification',
  0x02: 'Variable Request',
  0x03: 'Variable Response',
  0x04: 'Loopback Control',
  0xfe: 'Organization Specific',
};

export const OSSP_FIELDS = [
  { name: 'subtype', label: 'Slow Protocols subtype', abbrev: 'slow.subtype', offset: 0, size: 1, kind: 'uint8', expect: 10 },
  { name: 'oui', label: 'OUI', abbrev: 'ossp.oui', offset: 1, size: 3, kind: 'reserved' },
] as const satisfies readonly FieldDef[];

export const OSSP_OUIS: Readonly<Record<string, string>> = {
  '00:19:a7': 'ITU-T',
};

/** Name of a TLV type found after the collector, or `unknown`. */
export function lacpTlvName(type: number): string {
  for (const t of LACP_TLV_TYPES) if (t.type === type) return t.name;
  return 'unknown';
}
