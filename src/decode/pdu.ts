/** The decoded shape of a Slow Protocols frame: exactly what `decode --format jsonl` prints. */
import type { Direction } from '../capture/frame.js';

/** Flag names, bit 0 first (CONTRACT.md). */
export type StateFlag =
  | 'activity'
  | 'timeout'
  | 'aggregation'
  | 'synchronization'
  | 'collecting'
  | 'distributing'
  | 'defaulted'
  | 'expired';

export interface PortInfo {
  systemPriority: number;
  /** MAC as lower-case colon-separated hex. */
  system: string;
  key: number;
  portPriority: number;
  port: number;
  state: number;
  flags: StateFlag[];
}

export interface Problem {
  /** Stable code, e.g. `WRONG_TLV_TYPE`, `WRONG_TLV_LENGTH`, `SHORT_PDU`, `NONSTANDARD_DA`. */
  code: string;
  message: string;
  /** `error` (a receiver would reject it) or `info` (non-standard but harmless). */
  severity: 'error' | 'warning' | 'info';
  /** Offset in the frame's bytes where the problem is, when it is at one place. */
  offset?: number;
}

export interface Vlan {
  /** 0x8100 (802.1Q) or 0x88a8 (802.1ad) or 0x9100. */
  tpid: number;
  id: number;
  pcp: number;
  dei: boolean;
}

export interface Tlv {
  type: number;
  /** Name for the 802.1AX-2014 and known vendor TLVs, `unknown` otherwise. */
  name: string;
  /** Length as carried (includes the 2-byte header). */
  length: number;
  /** Value bytes as hex. */
  value: string;
}

interface SlowBase {
  source: string;
  interface: string;
  frame: number;
  /** Exact decimal seconds. */
  time: string;
  direction: Direction;
  src: string | null;
  dst: string | null;
  vlans: Vlan[];
  problems: Problem[];
}

export interface LacpPdu extends SlowBase {
  subtype: 'lacp';
  version: number;
  actor: PortInfo;
  partner: PortInfo;
  collectorMaxDelay: number;
  tlvs: Tlv[];
}

export interface MarkerPdu extends SlowBase {
  subtype: 'marker' | 'marker-response';
  version: number;
  requesterPort: number;
  requesterSystem: string;
  requesterTransactionId: number;
  tlvs: Tlv[];
}

export interface OamPdu extends SlowBase {
  subtype: 'oam';
  flags: number;
  code: number;
  codeName: string;
  /** OAM TLVs / payload after the code byte, as hex. */
  data: string;
}

export interface OsspPdu extends SlowBase {
  subtype: 'ossp';
  /** OUI as `00:19:a7`. */
  oui: string;
  ouiName: string | null;
  /** Payload after the OUI, as hex. */
  data: string;
}

export interface UnknownSlowPdu extends SlowBase {
  subtype: 'unknown';
  /** The subtype byte, or null when the frame ends before it. */
  subtypeValue: number | null;
  data: string;
}

export type SlowPdu = LacpPdu | MarkerPdu | OamPdu | OsspPdu | UnknownSlowPdu;

/** A decoded frame with what the detail and hex views need beside the JSON object. */
export interface DecodedFrame {
  pdu: SlowPdu;
  /** The frame's captured bytes. */
  bytes: Uint8Array;
  /** Offset in `bytes` of the slow-protocol subtype byte (after link header and tags). */
  payloadOffset: number;
  /** Whether the bytes were rebuilt from printed text rather than captured. */
  rebuilt: boolean;
}
