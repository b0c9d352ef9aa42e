/**
 * One packet's worth of tcpdump text (its packet line and continuation lines) turned into the
 * frame bytes: taken from a full-frame hex dump when there is one, otherwise rebuilt from the
 * printed fields (and any per-TLV hex -vv printed) with the encoder.
 */
import { LINKTYPE } from './frame.js';
import { slowPayloadOffset } from './linklayer.js';
import { CONTINUATION as C, SLOW_CUT, directionOf, parseHexLine, type PacketLine } from './tcpdump-text-lines.js';
import { buildEthernetFrame, buildSll2Frame, buildSllFrame, encodeLacpPayload, encodeMarkerPayload, type PortFields } from '../decode/encode.js';
import { SLOW_PDU_LENGTH, STATE_BITS } from '../decode/fields.js';

const ZERO_MAC = '00:00:00:00:00:00';
const CUT = SLOW_CUT.trim();
const ZERO_PORT: PortFields = { systemPriority: 0, system: ZERO_MAC, key: 0, portPriority: 0, port: 0, state: 0 };

/** tcpdump's OAM words (print-slow.c), which differ from the decoder's names in places. */
const OAM_FLAG_WORDS = ['Link Fault', 'Dying Gasp', 'Critical Event', 'Local Evaluating', 'Local Stable', 'Remote Evaluating', 'Remote Stable'];
const OAM_CODE_WORDS: Readonly<Record<string, number>> = {
  Information: 0x00,
  'Event Notification': 0x01,
  'Variable Request': 0x02,
  'Variable Response': 0x03,
  'Loopback Control': 0x04,
  'Vendor Private': 0xfe,
};
const OAM_CONFIG_WORDS = ['Active', 'Unidirectional', 'Remote-Loopback', 'Link-Events', 'Variable-Retrieval'];
const OAM_PARSER_WORDS: Readonly<Record<string, number>> = { forwarding: 0, 'looping back': 1, discarding: 2, reserved: 3 };
const OAM_MUX_WORDS: Readonly<Record<string, number>> = { forwarding: 0, discarding: 4 };
const OAM_INFO_LOCAL = 1;
const OAM_INFO_REMOTE = 2;
const OAM_INFO_LENGTH = 16;
const OAM_EVENT_LENGTH = 40;
/** Where the values of the standard TLVs start (after type and length) and how long the TLVs are. */
const ACTOR_VALUE = 4;
const PORT_VALUE = 18;
const COLLECTOR_VALUE = 44;
const COLLECTOR_LENGTH = 16;
const MARKER_VALUE = 4;
const MARKER_LENGTH = 16;
const MAX_DUMP = 262144;
/** Drop-eligible indicator in the high byte of a VLAN TCI. */
const DEI_BIT = 0x10;

/** The bytes of one hex dump so far, and the offset its next line must carry. */
interface HexRun {
  bytes: number[];
  next: number;
}

/** A printed item that may carry its own hex dump: a TLV, the OAM code line, an OSSP OUI line. */
interface Item {
  kind: 'tlv' | 'oamTlv' | 'oamCode' | 'oui' | 'header';
  type: number;
  length: number;
  /** Bytes its own dump holds when complete; null when the item prints no dump of its own. */
  expect: number | null;
  hex: HexRun | null;
  port: Partial<PortFields>;
  maxDelay: number | null;
  marker: { port: number; system: string; tid: number } | null;
  oam: Map<string, bigint>;
  /** The item ended decoding (`ERROR ... >= 2`, `[|slow]`, terminator). */
  final: boolean;
  /** tcpdump printed `ERROR: illegal length` for it. */
  bad: boolean;
}

export interface BuiltFrame {
  linkType: number;
  /** The bytes came from a hex dump (all of them, or all after the link header). */
  fromDump: boolean;
  data: Uint8Array;
  originalLength: number;
  rebuilt: boolean;
  /** Bytes tcpdump did not print (version it does not decode, snapshot cut, no -v): why. */
  partial: string | null;
  snapCut: boolean;
}

function newItem(kind: Item['kind'], type: number, length: number, expect: number | null): Item {
  return { kind, type, length, expect, hex: null, port: {}, maxDelay: null, marker: null, oam: new Map(), final: false, bad: false };
}

function wordsToBits(words: string, table: readonly string[]): number {
  let v = 0;
  for (const w of words.split(',').map((x) => x.trim())) {
    const i = table.indexOf(w);
    if (i >= 0) v |= 1 << i;
  }
  return v;
}

const STATE_WORDS = STATE_BITS.map((b) => b.tcpdump as string);

/** Collects the continuation lines of one slow packet. */
export class SlowBlock {
  readonly items: Item[] = [];
  /** Runs no item claimed: the full-frame dump (-x/-xx/-X/-XX) is the last of them. */
  private readonly free: HexRun[] = [];
  private current: HexRun | null = null;
  private owner: Item;
  cut: boolean;

  constructor(
    readonly head: PacketLine,
    readonly linkTypeHint: number | null,
  ) {
    const slow = head.slow;
    // An unknown subtype's header line owns the dump of its whole payload.
    this.owner = newItem('header', slow?.subtype ?? 0, slow?.length ?? 0, slow?.dumpsPayload ? slow.length : null);
    this.cut = head.cut;
    if (head.cut) this.owner.final = true;
    this.items.push(this.owner);
  }

  /** Feeds one continuation line (leading whitespace already removed); false if it means nothing here. */
  line(text: string): boolean {
    const hex = parseHexLine(text);
    if (hex) {
      this.hexLine(hex.offset, hex.bytes);
      return true;
    }
    this.current = null;
    const known = this.fieldLine(text);
    if (text.includes(CUT)) {
      this.cut = true;
      this.owner.final = true;
    }
    return known;
  }

  private hexLine(offset: number, bytes: number[]): void {
    if (this.current && offset === this.current.next) {
      // No frame is longer than the largest snapshot length; more is not tcpdump output.
      if (this.current.bytes.length >= MAX_DUMP) return;
      this.current.bytes.push(...bytes);
      this.current.next += bytes.length;
      return;
    }
    const run: HexRun = { bytes: [...bytes], next: offset + bytes.length };
    this.current = run;
    if (offset === 0 && this.owner.expect !== null && this.owner.hex === null && !this.owner.final) this.owner.hex = run;
    else this.free.push(run);
  }

  private fieldLine(t: string): boolean {
    const slowKind = this.head.slow?.kind;
    let m: RegExpExecArray | null;
    if ((m = C.oamTlv.exec(t)) && slowKind === 'oam') {
      const type = Number(m[3]);
      const length = Number(m[4]);
      const item = newItem('oamTlv', type, length, type === 0 ? null : length);
      item.oam.set('family', m[2] === 'Information' ? 0n : 1n);
      if (type === 0) item.final = true;
      this.push(item);
    } else if ((m = C.tlv.exec(t))) {
      const type = parseInt(m[2], 16);
      const length = Number(m[3]);
      // tcpdump stops at the terminator and prints no dump for it.
      const item = newItem('tlv', type, length, type === 0 ? null : Math.max(0, length - 2));
      if (type === 0) item.final = true;
      this.push(item);
    } else if ((m = C.port.exec(t))) {
      Object.assign(this.owner.port, {
        system: m[1].toLowerCase(),
        systemPriority: Number(m[2]),
        key: Number(m[3]),
        port: Number(m[4]),
        portPriority: Number(m[5]),
      });
    } else if ((m = C.state.exec(t))) {
      this.owner.port.state = m[1] === 'none' ? 0 : wordsToBits(m[1], STATE_WORDS);
    } else if ((m = C.maxDelay.exec(t))) {
      this.owner.maxDelay = Number(m[1]);
    } else if ((m = C.marker.exec(t))) {
      this.owner.marker = { system: m[1].toLowerCase(), port: Number(m[2]), tid: parseInt(m[3], 16) };
    } else if (C.error.test(t)) {
      // `>= 2` ends the walk; `should be N` still gets the -vv dump.
      this.owner.bad = true;
      if (t.includes('>=')) this.owner.final = true;
    } else if (C.tooShort.test(t)) {
      this.owner.final = true;
      this.confirmed = true;
    } else if ((m = C.oamCode.exec(t))) {
      const code = OAM_CODE_WORDS[m[1]] ?? Number(/^Unknown \((\d+)\)$/.exec(m[1])?.[1] ?? 0);
      // Codes without a printer get a dump of the rest at plain -v.
      const dumps = code !== 0x00 && code !== 0x01 && code !== 0x04;
      const item = newItem('oamCode', code, 0, dumps ? this.restAfter(4) : null);
      item.oam.set('flags', BigInt(m[2] === 'none' ? 0 : wordsToBits(m[2], OAM_FLAG_WORDS)));
      this.push(item);
    } else if ((m = C.osspOui.exec(t))) {
      this.push(newItem('oui', parseInt(m[1], 16), 0, this.restAfter(4)));
    } else {
      return this.oamFieldLine(t);
    }
    return true;
  }

  private oamFieldLine(t: string): boolean {
    const o = this.owner.oam;
    let m: RegExpExecArray | null;
    if ((m = C.oamVersion.exec(t))) {
      o.set('version', BigInt(m[1]));
      o.set('revision', BigInt(m[2]));
    } else if ((m = C.oamState.exec(t))) {
      o.set('state', BigInt((OAM_PARSER_WORDS[m[1]] ?? 0) | (OAM_MUX_WORDS[m[2]] ?? 0)));
    } else if ((m = C.oamConfig.exec(t))) {
      o.set('config', BigInt(m[1] === 'none' ? 0 : wordsToBits(m[1], OAM_CONFIG_WORDS)));
      o.set('pduSize', BigInt(m[2]));
    } else if ((m = C.oamOui.exec(t))) {
      o.set('oui', BigInt(parseInt(m[1], 16)));
      o.set('vendor', BigInt(parseInt(m[2], 16)));
    } else if ((m = C.oamSequence.exec(t))) {
      o.set('sequence', BigInt(m[1]));
    } else if ((m = C.oamEventTime.exec(t))) {
      o.set('timestamp', BigInt(m[1]) / 100n);
      o.set('window', BigInt(m[2]));
    } else if ((m = C.oamThreshold.exec(t))) {
      o.set('threshold', BigInt(m[1]));
    } else if ((m = C.oamRunningErrors.exec(t))) {
      o.set('errorsTotal', BigInt(m[1]));
    } else if ((m = C.oamErrors.exec(t))) {
      o.set('errors', BigInt(m[1]));
    } else if ((m = C.oamRunningEvents.exec(t))) {
      o.set('eventsTotal', BigInt(m[1]));
    } else if ((m = C.oamCommand.exec(t))) {
      o.set('command', BigInt(m[1]));
    } else {
      return false;
    }
    return true;
  }

  /** The walk reached its terminator (LACP, Marker) or end marker (OAM). */
  terminated(): boolean {
    const last = this.owner;
    return (last.kind === 'tlv' || last.kind === 'oamTlv') && last.type === 0;
  }

  /** Terminated, and no hex dump has begun since. */
  ended(): boolean {
    return this.terminated() && this.current === null && this.free.length === 0;
  }

  /** Bytes of the payload after its first `n` (what a dump of "the rest" holds). */
  private restAfter(n: number): number {
    return Math.max(0, (this.head.slow?.length ?? n) - n);
  }

  /** `packet is too short`: tcpdump's word that a packet line with nothing after it was a slow frame. */
  confirmed = false;

  private push(item: Item): void {
    this.items.push(item);
    this.owner = item;
  }

  /**
   * The full-frame dump: the last run no item claimed. A run an item claimed but that is longer
   * than the item's own dump can be is the full-frame dump printed right after it.
   */
  fullDump(): number[] | null {
    for (const it of this.items) {
      if (it.hex && it.expect !== null && it.hex.bytes.length > it.expect) {
        this.free.push(it.hex);
        it.hex = null;
      }
    }
    const last = this.free[this.free.length - 1];
    return last ? last.bytes : null;
  }
}

function writeBig(buf: number[], value: bigint, size: number): void {
  for (let i = size - 1; i >= 0; i--) buf.push(Number((value >> BigInt(8 * i)) & 0xffn));
}

function portFields(p: Partial<PortFields>): PortFields | null {
  if (p.system === undefined || p.state === undefined) return null;
  return {
    systemPriority: p.systemPriority ?? 0,
    system: p.system,
    key: p.key ?? 0,
    portPriority: p.portPriority ?? 0,
    port: p.port ?? 0,
    state: p.state,
  };
}

/**
 * The value (after the TLV header) of an actor/partner, collector or marker TLV from its printed
 * fields, cut from what the encoder lays out, so the layout lives in the field table only.
 */
function fieldBytes(it: Item): number[] | null {
  const port = portFields(it.port);
  if (port) return Array.from(encodeLacpPayload({ actor: port, partner: ZERO_PORT }).subarray(ACTOR_VALUE, ACTOR_VALUE + PORT_VALUE));
  if (it.maxDelay !== null) {
    const lacp = encodeLacpPayload({ actor: ZERO_PORT, partner: ZERO_PORT, collectorMaxDelay: it.maxDelay });
    return Array.from(lacp.subarray(COLLECTOR_VALUE, COLLECTOR_VALUE + COLLECTOR_LENGTH - 2));
  }
  if (it.marker) {
    const m = encodeMarkerPayload({ response: false, requesterPort: it.marker.port, requesterSystem: it.marker.system, requesterTransactionId: it.marker.tid });
    return Array.from(m.subarray(MARKER_VALUE, MARKER_VALUE + MARKER_LENGTH - 2));
  }
  return null;
}

/** Bytes of one OAM TLV rebuilt from its printed fields (print-slow.c's layouts). */
function oamTlvBytes(it: Item): number[] {
  const o = it.oam;
  const g = (k: string) => o.get(k) ?? 0n;
  const out: number[] = [it.type, it.length];
  const isInfo = g('family') === 0n;
  if (isInfo && (it.type === OAM_INFO_LOCAL || it.type === OAM_INFO_REMOTE) && it.length === OAM_INFO_LENGTH) {
    writeBig(out, g('version'), 1);
    writeBig(out, g('revision'), 2);
    writeBig(out, g('state'), 1);
    writeBig(out, g('config'), 1);
    writeBig(out, g('pduSize'), 2);
    writeBig(out, g('oui'), 3);
    writeBig(out, g('vendor'), 4);
  } else if (!isInfo && it.type >= 1 && it.type <= 4 && it.length === OAM_EVENT_LENGTH) {
    writeBig(out, g('timestamp'), 2);
    for (const k of ['window', 'threshold', 'errors', 'errorsTotal']) writeBig(out, g(k), 8);
    writeBig(out, g('eventsTotal'), 4);
  }
  while (out.length < it.length) out.push(0);
  return out.slice(0, Math.max(2, it.length));
}

/** The slow payload (from the subtype byte) rebuilt from the printed items; `complete` false when parts were not printed. */
function rebuildPayload(b: SlowBlock): { payload: number[]; complete: boolean; why: string | null } {
  const slow = b.head.slow;
  if (slow === null) return { payload: [], complete: false, why: 'no slow-protocol header printed' };
  const header = b.items[0];
  if (slow.dumpsPayload) {
    return { payload: header.hex ? header.hex.bytes : [slow.subtype], complete: header.hex !== null, why: header.hex ? null : 'payload not printed' };
  }
  if (slow.unsupported) {
    return { payload: [slow.subtype, slow.version ?? 0], complete: false, why: `tcpdump prints nothing of ${slow.kind.toUpperCase()} version ${slow.version} beyond the version` };
  }
  const tlvs = b.items.slice(1);
  if (slow.kind === 'ossp') {
    const oui = tlvs.find((i) => i.kind === 'oui');
    const p = [slow.subtype];
    if (oui) writeBig(p, BigInt(oui.type), 3);
    if (oui?.hex) p.push(...oui.hex.bytes);
    return { payload: p, complete: oui?.hex !== null && oui !== undefined, why: oui?.hex ? null : 'OSSP body not printed' };
  }
  if (slow.kind === 'oam') return rebuildOam(b, slow.subtype);
  // LACP and Marker: every printed TLV is written where the walk puts it (tcpdump follows the
  // lengths as printed), its value from the -vv dump or from its printed fields.
  const base = new Uint8Array(SLOW_PDU_LENGTH);
  base[0] = slow.subtype;
  base[1] = slow.version ?? 1;
  const p = Array.from(base);
  // Bytes known for certain: printed TLVs (fields or -vv dump) up to the terminator, whose
  // 50 bytes of padding tcpdump never prints but a conforming PDU holds as zeros.
  let at = 2;
  let known = 2;
  let complete = false;
  for (const it of tlvs) {
    if (it.kind !== 'tlv') continue;
    p[at] = it.type;
    p[at + 1] = it.length;
    known = at + 2;
    if (it.type === 0) {
      complete = !tlvs.some((t) => t.bad);
      break;
    }
    const value = it.hex ? it.hex.bytes : fieldBytes(it);
    if (value) value.forEach((v, i) => (p[at + 2 + i] = v));
    const printed = value !== null;
    if (!printed || it.final || it.length < 2) break;
    at += it.length;
    known = at;
  }
  const length = slow.length ?? p.length;
  while (p.length < length) p.push(0);
  if (complete) return { payload: p.slice(0, length), complete, why: null };
  return { payload: p.slice(0, Math.min(known, length)), complete, why: 'fields not printed (tcpdump without -v, a TLV it does not decode, or a cut)' };
}

function rebuildOam(b: SlowBlock, subtype: number): { payload: number[]; complete: boolean; why: string | null } {
  const p = [subtype];
  const code = b.items.find((i) => i.kind === 'oamCode');
  if (!code) return { payload: p, complete: false, why: 'OAM body not printed (tcpdump without -v)' };
  writeBig(p, code.oam.get('flags') ?? 0n, 2);
  p.push(code.type);
  let complete = true;
  const seq = code.oam.get('sequence');
  if (seq !== undefined) writeBig(p, seq, 2);
  const cmd = code.oam.get('command');
  if (cmd !== undefined) writeBig(p, cmd, 1);
  if (code.hex) p.push(...code.hex.bytes);
  else if (code.expect !== null) complete = false;
  for (const it of b.items) {
    if (it.kind !== 'oamTlv') continue;
    if (it.hex) p.push(...it.hex.bytes);
    else if (it.type === 0) p.push(0, it.length);
    else p.push(...oamTlvBytes(it));
  }
  const length = b.head.slow?.length ?? p.length;
  if (!complete || b.cut) return { payload: p.slice(0, length), complete: false, why: 'OAM data not printed' };
  while (p.length < length) p.push(0);
  return { payload: p.slice(0, length), complete, why: null };
}

/** Synthesizes the link-layer header from what -e / `-i any` printed (zeros where nothing was). */
function withLinkHeader(head: PacketLine, linkType: number, payload: Uint8Array): Uint8Array {
  const l = head.link;
  // The EtherType after the printed tags: Slow Protocols, or a tag tcpdump left undecoded inside `payload`.
  const common = { src: l.src ?? ZERO_MAC, vlans: l.vlans, etherType: l.etherType ?? undefined, payload };
  const direction = directionOf(l.packetType) ?? 'in';
  let data: Uint8Array;
  if (linkType === LINKTYPE.LINUX_SLL) {
    data = buildSllFrame({ ...common, direction });
    if (l.packetType !== null) data[1] = l.packetType;
  } else if (linkType === LINKTYPE.LINUX_SLL2) {
    data = buildSll2Frame({ ...common, ifIndex: l.ifIndex ?? 0, direction });
    if (l.packetType !== null) data[10] = l.packetType;
  } else {
    data = buildEthernetFrame({ ...common, dst: l.dst ?? undefined });
  }
  // The encoder has no drop-eligible bit; set it in each tag's TCI where tcpdump printed `DEI`.
  const tags = headerLength(linkType, 0);
  l.vlans.forEach((v, i) => {
    if (v.dei) data[tags + 4 * i] |= DEI_BIT;
  });
  return data;
}

function headerLength(linkType: number, vlans: number): number {
  return (linkType === LINKTYPE.LINUX_SLL2 ? 20 : linkType === LINKTYPE.LINUX_SLL ? 16 : 14) + 4 * vlans;
}

/**
 * -xx/-XX dump the link header too; -x/-X start after it (and after any VLAN tags). The -e
 * frame length decides when printed; otherwise the dump holds a link header when a Slow
 * Protocols EtherType sits where the link type puts it and it does not read as the payload.
 */
function dumpHasLinkHeader(b: SlowBlock, linkType: number, bytes: Uint8Array): boolean {
  const frameLength = b.head.link.frameLength;
  const headerFits = slowPayloadOffset(linkType, bytes, 0, bytes.length) >= 0;
  if (frameLength !== null && bytes.length === frameLength) return true;
  const slow = b.head.slow;
  const readsAsPayload = slow !== null && bytes[0] === slow.subtype && (slow.length === null || bytes.length === slow.length);
  return headerFits && !readsAsPayload;
}

/** The frame for one slow packet block. */
export function buildFrame(b: SlowBlock): BuiltFrame {
  const head = b.head;
  const linkType = head.link.linkType ?? b.linkTypeHint ?? LINKTYPE.ETHERNET;
  const dump = b.fullDump();
  const hdrLen = headerLength(linkType, head.link.vlans.length);
  const wireLength = head.link.frameLength ?? hdrLen + Math.max(head.slow?.length ?? 0, 0);
  if (dump) {
    const bytes = Uint8Array.from(dump);
    if (dumpHasLinkHeader(b, linkType, bytes)) {
      return { linkType, fromDump: true, data: bytes, originalLength: Math.max(wireLength, bytes.length), rebuilt: false, partial: null, snapCut: bytes.length < wireLength };
    }
    const data = withLinkHeader(head, linkType, bytes);
    return { linkType, fromDump: true, data, originalLength: Math.max(wireLength, data.length), rebuilt: true, partial: null, snapCut: data.length < wireLength };
  }
  const { payload, complete, why } = rebuildPayload(b);
  const data = withLinkHeader(head, linkType, Uint8Array.from(payload));
  const cut = b.cut;
  return {
    linkType,
    fromDump: false,
    data,
    originalLength: Math.max(wireLength, data.length),
    rebuilt: true,
    partial: cut ? 'cut by the snapshot length ([|slow])' : complete ? null : why,
    snapCut: cut,
  };
}
