/**
 * Frames to Slow Protocols PDUs. Table-driven (fields.ts), bounds-checked, never throws: a short
 * or malformed frame is decoded as far as its bytes go and its problems are listed.
 *
 * Policy for missing bytes: the JSON contract needs complete actor/partner objects, so fields
 * beyond the last captured byte read as zero, and one problem names the first missing field:
 * `SHORT_PDU` (error) when the frame on the wire was too short, `SNAP_CUT` (warning) when the
 * capture's snapshot length cut a frame that was long enough on the wire.
 */
import { formatTimeNs, LINKTYPE, type Frame } from '../capture/frame.js';
import { ETHERTYPE_SLOW, formatMac, HEX_PAIRS, parseLinkHeader, type LinkHeader } from '../capture/linklayer.js';
import {
  LACP_FIELDS,
  LACP_VERSIONS,
  LACP_TLV_TYPES,
  lacpTlvName,
  LACP_TLV_WALK_OFFSET,
  MARKER_FIELDS,
  MARKER_TLV,
  OAM_CODES,
  OAM_FIELDS,
  OSSP_FIELDS,
  OSSP_OUIS,
  SLOW_DESTINATIONS,
  SLOW_PDU_LENGTH,
  SLOW_SUBTYPE,
  type FieldDef,
  type FieldKind,
} from './fields.js';
import { flagNames } from './format.js';
import type { DecodedFrame, LacpPdu, MarkerPdu, OamPdu, OsspPdu, PortInfo, Problem, SlowPdu, Tlv, UnknownSlowPdu } from './pdu.js';

/** Stable problem codes, one place. */
export const PROBLEM = {
  WRONG_TLV_TYPE: 'WRONG_TLV_TYPE',
  WRONG_TLV_LENGTH: 'WRONG_TLV_LENGTH',
  SHORT_PDU: 'SHORT_PDU',
  SNAP_CUT: 'SNAP_CUT',
  NONSTANDARD_DA: 'NONSTANDARD_DA',
  NONZERO_RESERVED: 'NONZERO_RESERVED',
  NONZERO_PAD: 'NONZERO_PAD',
  UNKNOWN_VERSION: 'UNKNOWN_VERSION',
  LACP_VERSION: 'LACP_VERSION',
  TRAILING_BYTES: 'TRAILING_BYTES',
  UNKNOWN_SUBTYPE: 'UNKNOWN_SUBTYPE',
  NOT_SLOW_PROTOCOLS: 'NOT_SLOW_PROTOCOLS',
  UNSUPPORTED_LINK_TYPE: 'UNSUPPORTED_LINK_TYPE',
} as const;

export type ProblemCode = (typeof PROBLEM)[keyof typeof PROBLEM];

/** Bounds-checked view of a frame's payload: `base` is the subtype byte, `end` the last captured byte + 1. */
class Cursor {
  constructor(
    readonly buf: Uint8Array,
    readonly base: number,
    readonly end: number,
  ) {}

  has(off: number, size: number): boolean {
    return this.base + off + size <= this.end;
  }

  /** Bytes available from `off`, at most `size`. */
  avail(off: number, size: number): number {
    return Math.max(0, Math.min(size, this.end - this.base - off));
  }

  uint(off: number, size: number): number {
    let v = 0;
    for (let i = 0; i < size; i++) v = v * 256 + this.buf[this.base + off + i];
    return v;
  }

  mac(off: number): string {
    return formatMac(this.buf, this.base + off);
  }

  hex(off: number, size: number): string {
    let s = '';
    const from = this.base + off;
    for (let i = 0; i < size; i++) s += HEX_PAIRS[this.buf[from + i]];
    return s;
  }

  /** True when any available byte in [off, off+size) is non-zero. */
  nonZero(off: number, size: number): boolean {
    const n = this.avail(off, size);
    for (let i = 0; i < n; i++) if (this.buf[this.base + off + i] !== 0) return true;
    return false;
  }
}

class Problems {
  readonly list: Problem[] = [];
  constructor(private readonly payloadOffset: number) {}

  add(code: ProblemCode, severity: Problem['severity'], message: string, payloadOff?: number): void {
    const p: Problem = { code, message, severity };
    if (payloadOff !== undefined) p.offset = this.payloadOffset + payloadOff;
    this.list.push(p);
  }
}

/**
 * Missing-bytes problem for a PDU needing `needed` bytes from the subtype: SHORT_PDU when the
 * frame was short on the wire, SNAP_CUT when only the capture cut it. `first` is the first
 * field that is not all there.
 */
function reportMissing(frame: Frame, c: Cursor, probs: Problems, needed: number, first: FieldDef | undefined, what: string): void {
  const captured = c.end - c.base;
  if (captured >= needed) return;
  const onWire = frame.originalLength - c.base;
  const from = first ? `; ${first.name} and later fields are missing (read as 0)` : '';
  if (onWire < needed || frame.originalLength <= frame.capturedLength) {
    probs.add(PROBLEM.SHORT_PDU, 'error', `${what} is ${Math.max(0, Math.min(onWire, captured))} bytes, ${needed} expected${from}`, captured);
  } else {
    probs.add(PROBLEM.SNAP_CUT, 'warning', `the capture's snapshot length cut the ${what} after ${captured} of ${needed} bytes${from}`, captured);
  }
}

function hex2(n: number): string {
  return n.toString(16).padStart(2, '0');
}

/** A table field compiled once into one uniform shape, so the per-frame loop stays cheap. */
interface Step {
  readonly def: FieldDef;
  readonly offset: number;
  readonly size: number;
  readonly kind: FieldKind;
  /** -1 when any value is accepted. */
  readonly expect: number;
  /** The PDU member holding the value (`actor`), or null when it sits on the PDU itself. */
  readonly owner: string | null;
  /** The value's key in its owner; null for bytes that are checked, not stored. */
  readonly key: string | null;
  /** How problem messages name the field: `Actor` (TLV header), `Terminator pad` (reserved). */
  readonly label: string;
  readonly code: ProblemCode;
  readonly severity: Problem['severity'];
}

type StepOverride = Partial<Pick<Step, 'label' | 'code' | 'severity'>>;

function compile(fields: readonly FieldDef[], overrides: Record<string, StepOverride>): Step[] {
  return fields.map((def) => {
    const group = def.name.includes('.') ? def.name.slice(0, def.name.indexOf('.')) : def.name;
    const Group = group.charAt(0).toUpperCase() + group.slice(1);
    const stored = def.kind !== 'tlvType' && def.kind !== 'tlvLength' && def.kind !== 'reserved' && def.name !== 'subtype';
    const dot = def.name.lastIndexOf('.');
    const checked = def.kind === 'reserved' ? { label: `${Group} reserved`, code: PROBLEM.NONZERO_RESERVED, severity: 'info' as const } : { label: Group, code: PROBLEM.WRONG_TLV_TYPE, severity: 'error' as const };
    return {
      def,
      offset: def.offset,
      size: def.size,
      kind: def.kind,
      expect: def.expect ?? -1,
      owner: stored && dot >= 0 ? def.name.slice(0, dot) : null,
      key: stored ? def.name.slice(dot + 1) : null,
      ...checked,
      ...overrides[def.name],
    };
  });
}

/** The version 1 terminator type is checked by neither Wireshark nor any receiver: only a warning. */
const LACP_STEPS = compile(LACP_FIELDS, {
  'terminator.tlvType': { severity: 'warning' },
  'terminator.reserved': { label: 'Terminator pad' },
});

const MARKER_STEPS = compile(MARKER_FIELDS, {
  'marker.pad': { label: 'Marker pad value', code: PROBLEM.NONZERO_PAD, severity: 'warning' },
  'terminator.reserved': { label: 'Marker reserved' },
});

function checkReserved(c: Cursor, s: Pick<Step, 'offset' | 'size' | 'label' | 'code' | 'severity'>, probs: Problems): void {
  if (c.nonZero(s.offset, s.size)) {
    probs.add(s.code, s.severity, `${s.label} is not zero (${c.hex(s.offset, c.avail(s.offset, s.size))})`, s.offset);
  }
}

function store(target: object, s: Step, value: number | string): void {
  const t = target as Record<string, Record<string, unknown>>;
  (s.owner === null ? t : t[s.owner])[s.key as string] = value;
}

/**
 * Reads the fixed fields before `limit` into `target` and makes Wireshark's TLV type and length
 * checks and the reserved-byte checks. Returns the first field whose bytes are not all there.
 */
function decodeFixed(c: Cursor, steps: readonly Step[], limit: number, target: object, probs: Problems): FieldDef | undefined {
  let firstMissing: FieldDef | undefined;
  // An index loop: for-of allocates an iterator result per field until the JIT has warmed up,
  // and a capture's few thousand LACPDUs are decoded mostly before it has.
  for (let i = 0; i < steps.length; i++) {
    const s = steps[i];
    if (s.offset >= limit) break;
    if (!c.has(s.offset, s.size)) {
      firstMissing ??= s.def;
      if (s.kind === 'reserved') checkReserved(c, s, probs);
      continue;
    }
    switch (s.kind) {
      case 'tlvType':
      case 'tlvLength': {
        const v = c.uint(s.offset, 1);
        if (s.expect < 0 || v === s.expect) break;
        if (s.kind === 'tlvType') probs.add(PROBLEM.WRONG_TLV_TYPE, s.severity, `${s.label} TLV type is 0x${hex2(v)}, 0x${hex2(s.expect)} expected`, s.offset);
        else probs.add(PROBLEM.WRONG_TLV_LENGTH, 'error', `${s.label} TLV length is ${v}, ${s.expect} expected`, s.offset);
        break;
      }
      case 'reserved':
        checkReserved(c, s, probs);
        break;
      case 'mac':
        if (s.key !== null) store(target, s, c.mac(s.offset));
        break;
      default:
        if (s.key !== null) store(target, s, c.uint(s.offset, s.size));
    }
  }
  return firstMissing;
}

function emptyPort(): PortInfo {
  return { systemPriority: 0, system: '00:00:00:00:00:00', key: 0, portPriority: 0, port: 0, state: 0, flags: [] };
}

function versionProblem(version: number, probs: Problems): void {
  if (version === 1) return;
  const known = LACP_VERSIONS[version];
  if (known !== undefined) {
    probs.add(PROBLEM.LACP_VERSION, 'info', `LACP version 0x${hex2(version)} (${known}): version 1 fields decoded, further TLVs listed`, 1);
  } else {
    probs.add(PROBLEM.UNKNOWN_VERSION, 'info', `LACP version ${version} is not one lacpscope knows; decoded as version 1${version >= 2 ? ' with further TLVs listed' : ''}`, 1);
  }
}

/** Trailing bytes past the PDU: Ethernet padding or FCS is normal, so only non-zero ones are noted. */
function checkTrailer(c: Cursor, pduLength: number, probs: Problems): void {
  const extra = c.end - c.base - pduLength;
  if (extra > 0 && c.nonZero(pduLength, extra)) {
    probs.add(PROBLEM.TRAILING_BYTES, 'info', `${extra} non-zero bytes follow the ${pduLength}-byte PDU (trailer, FCS or vendor data)`, pduLength);
  }
}

type Base = Omit<LacpPdu, 'subtype' | 'version' | 'actor' | 'partner' | 'collectorMaxDelay' | 'tlvs'>;

/**
 * The PDU: the frame's common fields followed by the subtype's. Not `{ ...base, ...body }`: on
 * V8 11 (Node 20) a spread followed by further keys takes the runtime's slow path, about 1 µs
 * per key, which was most of the decoder's time.
 */
function pduOf<T extends SlowPdu>(base: Base, body: Omit<T, keyof Base>): T {
  return Object.assign(base, body) as T;
}

function decodeLacp(frame: Frame, base: Base, c: Cursor, probs: Problems): LacpPdu {
  const version = c.has(1, 1) ? c.uint(1, 1) : 0;
  const walk = version >= 2;
  // One literal with every key: adding keys to `base` (pduOf) reallocates its property store.
  const pdu: LacpPdu = {
    source: base.source,
    interface: base.interface,
    frame: base.frame,
    time: base.time,
    direction: base.direction,
    src: base.src,
    dst: base.dst,
    vlans: base.vlans,
    problems: base.problems,
    subtype: 'lacp',
    version,
    actor: emptyPort(),
    partner: emptyPort(),
    collectorMaxDelay: 0,
    tlvs: [],
  };
  // Version 2 and later: the fixed layout ends at the collector; the rest is a TLV walk.
  let firstMissing = decodeFixed(c, LACP_STEPS, walk ? LACP_TLV_WALK_OFFSET : SLOW_PDU_LENGTH, pdu, probs);
  if (c.has(1, 1)) versionProblem(version, probs);
  pdu.actor.flags = flagNames(pdu.actor.state);
  pdu.partner.flags = flagNames(pdu.partner.state);
  let pduLength = SLOW_PDU_LENGTH;
  if (walk && firstMissing === undefined) {
    const r = walkTlvs(c, probs, pdu.tlvs);
    pduLength = r.pduLength;
    firstMissing = r.missing;
  }
  reportMissing(frame, c, probs, pduLength, firstMissing, 'LACPDU');
  checkTrailer(c, pduLength, probs);
  return pdu;
}

/** Fields found by the TLV walk have no fixed place in the table: described where they are met. */
function walked(name: string, offset: number, kind: FieldKind): FieldDef {
  return { name, label: name, abbrev: 'lacp.tlv_type', offset, size: 1, kind };
}

/**
 * Walks the TLVs after the collector until the terminator, as Wireshark does
 * (`while type != 0 && length >= 2`). Returns where the PDU ends (at least 110 bytes).
 */
function walkTlvs(c: Cursor, probs: Problems, out: Tlv[]): { pduLength: number; missing: FieldDef | undefined } {
  let at = LACP_TLV_WALK_OFFSET;
  for (;;) {
    if (!c.has(at, 2)) {
      return { pduLength: Math.max(SLOW_PDU_LENGTH, at + 2), missing: walked('terminator.tlvType', at, 'tlvType') };
    }
    const type = c.uint(at, 1);
    const length = c.uint(at + 1, 1);
    if (type === 0) {
      if (length !== 0) probs.add(PROBLEM.WRONG_TLV_LENGTH, 'error', `Terminator TLV length is ${length}, 0 expected`, at + 1);
      const pduLength = Math.max(SLOW_PDU_LENGTH, at + 2);
      if (pduLength > at + 2) checkReserved(c, { offset: at + 2, size: pduLength - at - 2, label: 'Terminator pad', code: PROBLEM.NONZERO_RESERVED, severity: 'info' }, probs);
      return { pduLength, missing: c.has(at + 2, pduLength - at - 2) ? undefined : walked('terminator.reserved', at + 2, 'reserved') };
    }
    if (length < 2) {
      probs.add(PROBLEM.WRONG_TLV_LENGTH, 'error', `TLV 0x${hex2(type)} length is ${length}, at least 2 expected; the TLV walk stops here`, at + 1);
      return { pduLength: Math.max(SLOW_PDU_LENGTH, at + 2), missing: undefined };
    }
    const name = lacpTlvName(type);
    const avail = c.avail(at + 2, length - 2);
    out.push({ type, name, length, value: c.hex(at + 2, avail) });
    const known = LACP_TLV_TYPES.find((t) => t.type === type);
    if (known && known.length !== length) {
      probs.add(PROBLEM.WRONG_TLV_LENGTH, 'warning', `${name} TLV length is ${length}, ${known.length} expected`, at + 1);
    }
    if (avail < length - 2) {
      return { pduLength: Math.max(SLOW_PDU_LENGTH, at + length + 2), missing: walked(`TLV 0x${hex2(type)} value`, at + 2, 'reserved') };
    }
    at += length;
  }
}

function decodeMarker(frame: Frame, base: Base, c: Cursor, probs: Problems): MarkerPdu {
  const tlvType = c.has(2, 1) ? c.uint(2, 1) : MARKER_TLV.INFORMATION;
  const pdu = pduOf<MarkerPdu>(base, {
    subtype: tlvType === MARKER_TLV.RESPONSE ? 'marker-response' : 'marker',
    version: 0,
    requesterPort: 0,
    requesterSystem: '00:00:00:00:00:00',
    requesterTransactionId: 0,
    tlvs: [],
  });
  if (c.has(2, 1) && tlvType !== MARKER_TLV.INFORMATION && tlvType !== MARKER_TLV.RESPONSE) {
    probs.add(PROBLEM.WRONG_TLV_TYPE, 'error', `Marker TLV type is 0x${hex2(tlvType)}, 0x01 or 0x02 expected`, 2);
  }
  const firstMissing = decodeFixed(c, MARKER_STEPS, SLOW_PDU_LENGTH, pdu, probs);
  reportMissing(frame, c, probs, SLOW_PDU_LENGTH, firstMissing, 'Marker PDU');
  checkTrailer(c, SLOW_PDU_LENGTH, probs);
  return pdu;
}

function decodeOam(frame: Frame, base: Base, c: Cursor, probs: Problems): OamPdu {
  const [, flagsField, codeField] = OAM_FIELDS;
  const flags = c.has(flagsField.offset, flagsField.size) ? c.uint(flagsField.offset, flagsField.size) : undefined;
  const code = c.has(codeField.offset, codeField.size) ? c.uint(codeField.offset, codeField.size) : undefined;
  const first = flags === undefined ? flagsField : code === undefined ? codeField : undefined;
  const headerLength = codeField.offset + codeField.size;
  reportMissing(frame, c, probs, headerLength, first, 'OAMPDU header');
  return pduOf<OamPdu>(base, {
    subtype: 'oam',
    flags: flags ?? 0,
    code: code ?? 0,
    codeName: code === undefined ? 'missing' : (OAM_CODES[code] ?? 'Reserved'),
    data: c.hex(headerLength, c.avail(headerLength, Infinity)),
  });
}

function decodeOssp(frame: Frame, base: Base, c: Cursor, probs: Problems): OsspPdu {
  const ouiField = OSSP_FIELDS[1];
  const at = ouiField.offset;
  const has = c.has(at, ouiField.size);
  reportMissing(frame, c, probs, at + ouiField.size, has ? undefined : ouiField, 'OSSP header');
  const oui = has ? `${c.hex(at, 1)}:${c.hex(at + 1, 1)}:${c.hex(at + 2, 1)}` : '00:00:00';
  const after = at + ouiField.size;
  return pduOf<OsspPdu>(base, { subtype: 'ossp', oui, ouiName: has ? (OSSP_OUIS[oui] ?? null) : null, data: c.hex(after, c.avail(after, Infinity)) });
}

function unknown(base: Base, c: Cursor, subtypeValue: number | null): UnknownSlowPdu {
  return pduOf<UnknownSlowPdu>(base, { subtype: 'unknown', subtypeValue, data: c.hex(1, c.avail(1, Infinity)) });
}

function checkDestination(dst: string | null, probs: Problems): void {
  if (dst === null || dst === SLOW_DESTINATIONS.SLOW_PROTOCOLS) return;
  if (dst === SLOW_DESTINATIONS.NEAREST_CUSTOMER_BRIDGE || dst === SLOW_DESTINATIONS.NEAREST_NON_TPMR_BRIDGE) {
    probs.add(PROBLEM.NONSTANDARD_DA, 'info', `destination ${dst} is allowed by 802.1AX-2014 but Linux and FreeBSD ignore frames not sent to ${SLOW_DESTINATIONS.SLOW_PROTOCOLS}`);
  } else {
    probs.add(PROBLEM.NONSTANDARD_DA, 'warning', `destination ${dst} is not a Slow Protocols address; receivers expect ${SLOW_DESTINATIONS.SLOW_PROTOCOLS}`);
  }
}

/** Decodes one frame. Never throws; whatever is wrong is listed in `pdu.problems`. */
export function decodeFrame(frame: Frame): DecodedFrame {
  const data = frame.data;
  const h = parseLinkHeader(frame.linkType, data);
  const probs = new Problems(h.payloadOffset);
  const base: Base = {
    source: frame.source,
    interface: frame.interface,
    frame: frame.index,
    time: formatTimeNs(frame.timeNs),
    direction: frame.direction ?? h.direction,
    src: h.src,
    dst: h.dst,
    vlans: h.vlans,
    problems: probs.list,
  };
  const c = new Cursor(data, h.payloadOffset, data.length);
  return { pdu: decodePayload(frame, h, base, c, probs), bytes: data, payloadOffset: h.payloadOffset, rebuilt: frame.rebuilt === true };
}

/** The PDU the payload holds, by subtype; what is wrong with the frame goes to `probs`. */
function decodePayload(frame: Frame, h: LinkHeader, base: Base, c: Cursor, probs: Problems): SlowPdu {
  if (frame.linkType !== LINKTYPE.ETHERNET && frame.linkType !== LINKTYPE.LINUX_SLL && frame.linkType !== LINKTYPE.LINUX_SLL2) {
    probs.add(PROBLEM.UNSUPPORTED_LINK_TYPE, 'error', `link type ${frame.linkType} is not Ethernet, Linux cooked v1 or v2`);
    return unknown(base, c, null);
  }
  if (h.etherType !== ETHERTYPE_SLOW) {
    const why =
      h.etherType === null ? `the frame ends (${frame.data.length} bytes) inside its link-layer header` : `EtherType 0x${h.etherType.toString(16).padStart(4, '0')} is not Slow Protocols (0x8809)`;
    probs.add(h.etherType === null ? PROBLEM.SHORT_PDU : PROBLEM.NOT_SLOW_PROTOCOLS, 'error', why);
    return unknown(base, c, null);
  }
  checkDestination(h.dst, probs);
  if (!c.has(0, 1)) {
    reportMissing(frame, c, probs, 1, { name: 'subtype', label: 'Slow Protocols subtype', abbrev: 'slow.subtype', offset: 0, size: 1, kind: 'uint8' }, 'Slow Protocols payload');
    return unknown(base, c, null);
  }
  const subtype = c.uint(0, 1);
  switch (subtype) {
    case SLOW_SUBTYPE.LACP:
      return decodeLacp(frame, base, c, probs);
    case SLOW_SUBTYPE.MARKER:
      return decodeMarker(frame, base, c, probs);
    case SLOW_SUBTYPE.OAM:
      return decodeOam(frame, base, c, probs);
    case SLOW_SUBTYPE.OSSP:
      return decodeOssp(frame, base, c, probs);
    default:
      probs.add(PROBLEM.UNKNOWN_SUBTYPE, 'info', `Slow Protocols subtype ${subtype} is not LACP, Marker, OAM or OSSP`, 0);
      return unknown(base, c, subtype);
  }
}
