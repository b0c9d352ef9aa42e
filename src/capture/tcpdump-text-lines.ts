/**
 * Line grammar of what tcpdump (4.99) prints for Slow Protocols frames: the packet line (frame
 * number, time stamp, link-layer prefix, slow-protocol header) and every continuation line
 * print-slow.c writes. Matching ignores leading whitespace, so text whose indentation was changed
 * on the way (tabs turned into spaces, indentation stripped) parses the same.
 */

/** `aa:bb:cc:dd:ee:ff`, optionally followed by tcpdump's ` (oui Vendor)` when run without -n. */
const MAC = '([0-9a-fA-F]{2}(?::[0-9a-fA-F]{2}){5})(?: \\(oui [^)]*\\))?';

export type StampKind = 'date' | 'epoch' | 'clock' | 'delta' | 'none';

export interface Stamp {
  kind: StampKind;
  /** Seconds (of the day for clock/delta, since the epoch for epoch/date). */
  seconds: bigint;
  /** Fraction as nanoseconds. */
  nanos: bigint;
  negative: boolean;
  /** YYYY-MM-DD for `date`. */
  date?: string;
}

export interface LinkFields {
  /** Link type the prefix reveals: 1 Ethernet (-e), 113 SLL v1 (-e), 276 SLL2 (`ifname  DIR`). */
  linkType: number | null;
  src: string | null;
  dst: string | null;
  vlans: { tpid: number; id: number; pcp: number; dei: boolean }[];
  /** Frame length on the wire as printed after the -e fields. */
  frameLength: number | null;
  /** EtherType printed by -e after the tags (0x8809 for slow frames). */
  etherType: number | null;
  ifName: string | null;
  ifIndex: number | null;
  /** Linux cooked packet type: 0 In, 1 B, 2 M, 3 P, 4 Out. */
  packetType: number | null;
}

export type SlowKind = 'lacp' | 'marker' | 'oam' | 'ossp' | 'unknown';

export interface SlowHeader {
  kind: SlowKind;
  subtype: number;
  version: number | null;
  /** Payload length tcpdump printed (from the subtype byte, padding included). */
  length: number | null;
  /** `LACP version N packet not supported`: tcpdump printed nothing more. */
  unsupported: boolean;
  /** `unknown (N), length L`: a hex dump of the whole payload follows, even without -v. */
  dumpsPayload: boolean;
}

export interface PacketLine {
  frameNumber: number | null;
  stamp: Stamp;
  link: LinkFields;
  /** null: a packet of another protocol (counted, not decoded). */
  slow: SlowHeader | null;
  /** A slow frame (EtherType, `[|slow]`, too-short note) of which tcpdump printed no header. */
  slowBare: boolean;
  /** The line says Slow Protocols but what follows is not a header lacpscope knows. */
  slowUnreadable: boolean;
  /** ` [|slow]`: the snapshot length cut the frame. */
  cut: boolean;
  /** Nothing printed after the time stamp and prefix. */
  emptyTail: boolean;
}

const PACKET_TYPES: Readonly<Record<string, number>> = { In: 0, B: 1, M: 2, P: 3, Out: 4 };
const SLL_PACKET_OUTGOING = 4;

export function directionOf(packetType: number | null): 'in' | 'out' | null {
  if (packetType === null) return null;
  return packetType === SLL_PACKET_OUTGOING ? 'out' : 'in';
}

const FRAME_NUMBER = /^\s*(\d+)( {2,})/;
const STAMP_DATE = /^(\d{4}-\d{2}-\d{2}) (\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))? /;
const STAMP_CLOCK = /^([ -]?)(\d{2}):(\d{2}):(\d{2})\.(\d{1,9}) /;
const STAMP_EPOCH = /^(\d+)\.(\d{1,9}) /;
const SLL2_PREFIX = /^(\S+) +(In|Out|B|M|P) +/;
const SLL2_E = new RegExp(`^ifindex (\\d+) ${MAC} `);
/** SLL2 with -e as some tcpdump builds print it: packet type, then `ifindex N`, no interface name. */
const SLL2_NO_NAME = new RegExp(`^(In|Out|B|M|P) +ifindex (\\d+) ${MAC} `);
const SLL_E = new RegExp(`^(In|Out|B|M|P) ${MAC} `);
const ETHER_E = new RegExp(`^${MAC} > ${MAC}, `);
const ETHERTYPE = /^ethertype [^,]*?\(0x([0-9a-fA-F]{4})\), length:? (\d+): /;
// Linux cooked headers print the inner EtherType by name only.
const VLAN = /^vlan (\d+), p (\d+)(, DEI)?, ethertype ([^,(]*?)(?: \(0x([0-9a-fA-F]{4})\))?, /;
const ETHERTYPE_NAMES: Readonly<Record<string, number>> = {
  'Slow Protocols': 0x8809,
  '802.1Q': 0x8100,
  '802.1Q-QinQ': 0x88a8,
  '802.1Q-9100': 0x9100,
};
// tcpdump before 4.6 printed `length: N`; the colon is optional throughout.
const SLOW_HEADER =
  /^(?:(LACP|MARKER)v(\d+), length:? (\d+)|(LACP|MARKER) version (\d+) packet not supported|(OAM|OSSP), length:? (\d+)|unknown \((\d+)\), length:? (\d+))/;
/** tcpdump's mark where the snapshot length cut a slow frame. */
export const SLOW_CUT = ' [|slow]';
const TOO_SHORT = '(packet is too short)';
/** Packet lines of other protocols that start straight with a protocol name (no -e, no time stamp). */
const KNOWN_START = /^(?:IP6? |ARP, |STP |LLDP|CDPv|LLC|IPX|vlan \d+, p \d+|ethertype )/;

function frac(digits: string | undefined): bigint {
  if (digits === undefined || digits === '') return 0n;
  return BigInt(digits.padEnd(9, '0'));
}

function emptyLink(): LinkFields {
  return { linkType: null, src: null, dst: null, vlans: [], frameLength: null, etherType: null, ifName: null, ifIndex: null, packetType: null };
}

const SUBTYPES: Readonly<Record<string, { kind: SlowKind; subtype: number }>> = {
  LACP: { kind: 'lacp', subtype: 1 },
  MARKER: { kind: 'marker', subtype: 2 },
  OAM: { kind: 'oam', subtype: 3 },
  OSSP: { kind: 'ossp', subtype: 10 },
};

function parseSlowHeader(text: string): SlowHeader | null {
  // Linux cooked frames with a tag print `ethertype Slow Protocols, ` before the header without -e.
  const s = text.replace(/^ethertype [^,(]*(?: \(0x[0-9a-fA-F]{4}\))?, /, '');
  const m = SLOW_HEADER.exec(s);
  if (!m) return null;
  const plain = { unsupported: false, dumpsPayload: false };
  if (m[1] !== undefined) return { ...SUBTYPES[m[1]], ...plain, version: Number(m[2]), length: Number(m[3]) };
  if (m[4] !== undefined) return { ...SUBTYPES[m[4]], ...plain, version: Number(m[5]), length: null, unsupported: true };
  if (m[6] !== undefined) return { ...SUBTYPES[m[6]], ...plain, version: null, length: Number(m[7]) };
  // tcpdump 4.99 prints OSSP (10) this way too; later versions print `OSSP, length N`.
  const subtype = Number(m[8]);
  return { kind: subtype === 10 ? 'ossp' : 'unknown', subtype, version: null, length: Number(m[9]), unsupported: false, dumpsPayload: true };
}

/**
 * The time stamp at the start of `s` (after any frame number). `extraSpace`: tcpdump put the
 * space -ttt/-ttttt print before a delta there.
 */
function parseStamp(s: string, extraSpace: boolean): { stamp: Stamp; rest: string } | null {
  let m = STAMP_DATE.exec(s);
  if (m) {
    const seconds = BigInt(Number(m[2]) * 3600 + Number(m[3]) * 60 + Number(m[4]));
    return { stamp: { kind: 'date', seconds, nanos: frac(m[5]), negative: false, date: m[1] }, rest: s.slice(m[0].length) };
  }
  m = STAMP_CLOCK.exec(s);
  if (m) {
    const seconds = BigInt(Number(m[2]) * 3600 + Number(m[3]) * 60 + Number(m[4]));
    const delta = m[1] !== '' || extraSpace;
    return {
      stamp: { kind: delta ? 'delta' : 'clock', seconds, nanos: frac(m[5]), negative: m[1] === '-' },
      rest: s.slice(m[0].length),
    };
  }
  m = STAMP_EPOCH.exec(s);
  if (m) return { stamp: { kind: 'epoch', seconds: BigInt(m[1]), nanos: frac(m[2]), negative: false }, rest: s.slice(m[0].length) };
  return null;
}

/** Reads the -e / `-i any` link-layer prefix; returns what follows it. */
function parseLink(s: string, link: LinkFields): string {
  let rest = s;
  let m = SLL2_PREFIX.exec(rest);
  if (m && !SLOW_HEADER.test(rest)) {
    link.linkType = 276;
    link.ifName = m[1];
    link.packetType = PACKET_TYPES[m[2]];
    rest = rest.slice(m[0].length);
    m = SLL2_E.exec(rest);
    if (m) {
      link.ifIndex = Number(m[1]);
      link.src = m[2].toLowerCase();
      rest = rest.slice(m[0].length);
    }
  } else if ((m = SLL2_NO_NAME.exec(rest.trimStart()))) {
    link.linkType = 276;
    link.packetType = PACKET_TYPES[m[1]];
    link.ifIndex = Number(m[2]);
    link.src = m[3].toLowerCase();
    rest = rest.trimStart().slice(m[0].length);
  } else if ((m = SLL_E.exec(rest.trimStart()))) {
    link.linkType = 113;
    link.packetType = PACKET_TYPES[m[1]];
    link.src = m[2].toLowerCase();
    rest = rest.trimStart().slice(m[0].length);
  } else if ((m = ETHER_E.exec(rest))) {
    link.linkType = 1;
    link.src = m[1].toLowerCase();
    link.dst = m[2].toLowerCase();
    rest = rest.slice(m[0].length);
  }
  m = ETHERTYPE.exec(rest);
  if (m) {
    link.etherType = parseInt(m[1], 16);
    link.frameLength = Number(m[2]);
    rest = rest.slice(m[0].length);
    let tpid = link.etherType;
    while ((m = VLAN.exec(rest))) {
      const inner = m[5] !== undefined ? parseInt(m[5], 16) : ETHERTYPE_NAMES[m[4]];
      if (inner === undefined) break;
      link.vlans.push({ tpid, id: Number(m[1]), pcp: Number(m[2]), dei: m[3] !== undefined });
      tpid = inner;
      rest = rest.slice(m[0].length);
    }
    link.etherType = tpid;
  }
  return rest;
}

/**
 * A packet line, or null when `line` is not one. A line counts as a packet line when it starts
 * with a frame number (-#) or a time stamp, or (with -t) with a link-layer prefix or a slow header.
 */
export function parsePacketLine(line: string): PacketLine | null {
  let s = line;
  let frameNumber: number | null = null;
  let extraSpace: boolean;
  const fm = FRAME_NUMBER.exec(s);
  if (fm) {
    // -# prints the number and two spaces; -ttt/-ttttt add one more before the delta.
    frameNumber = Number(fm[1]);
    s = s.slice(fm[0].length);
    extraSpace = fm[2].length === 3;
  } else {
    // Without -#, -ttt/-ttttt start the line with the one space; the default style starts at once.
    const lead = /^\s*/.exec(s)?.[0] ?? '';
    extraSpace = lead === ' ';
    s = s.slice(lead.length);
  }
  const st = parseStamp(s, extraSpace);
  let stamp: Stamp = { kind: 'none', seconds: 0n, nanos: 0n, negative: false };
  if (st) {
    stamp = st.stamp;
    s = st.rest;
  }
  const link = emptyLink();
  const rest = parseLink(s, link);
  const cut = line.includes(SLOW_CUT);
  const slow = parseSlowHeader(rest.trimStart());
  // Nothing after the prefix (or only a cut / too-short note) is what a slow frame too short for
  // a subtype prints; without -e only the `packet is too short` line under it (-v) says so.
  const tail = rest.trim();
  const bare = slow === null && (tail === '' || tail === SLOW_CUT.trim() || tail === TOO_SHORT);
  const isSlowType = link.etherType === 0x8809;
  const slowBare = bare && (isSlowType || tail !== '');
  if (frameNumber === null && !st && link.linkType === null && slow === null && !slowBare && !KNOWN_START.test(rest)) return null;
  return { frameNumber, stamp, link, slow, slowBare, slowUnreadable: slow === null && isSlowType && !bare, emptyTail: slow === null && tail === '', cut };
}

/**
 * The packet line of a slow frame too short for a subtype under -t without -e: tcpdump prints an
 * empty line, then `packet is too short` under it.
 */
export function barePacketLine(): PacketLine {
  return {
    frameNumber: null,
    stamp: { kind: 'none', seconds: 0n, nanos: 0n, negative: false },
    link: emptyLink(),
    slow: null,
    slowBare: true,
    slowUnreadable: false,
    emptyTail: true,
    cut: false,
  };
}

/** One `0xNNNN:  hhhh hhhh ...` line of a hex dump (-x/-X or -vv/print_unknown_data). */
export interface HexLine {
  offset: number;
  bytes: number[];
}

const HEX_LINE = /^0x([0-9a-fA-F]{4,8}):(.*)$/;
const HEX_GROUP = /^ {1,2}([0-9a-fA-F]{2}|[0-9a-fA-F]{4})(?= |$)/;

export function parseHexLine(text: string): HexLine | null {
  const m = HEX_LINE.exec(text);
  if (!m) return null;
  let rest = m[2];
  const bytes: number[] = [];
  // Up to 8 groups of 2 bytes, each after one space (two before the first); the -X ASCII
  // column follows after two or more spaces and is ignored.
  for (let g = 0; g < 8; g++) {
    const gm = HEX_GROUP.exec(rest);
    if (!gm || (g > 0 && gm[0].startsWith('  '))) break;
    const hex = gm[1];
    bytes.push(parseInt(hex.slice(0, 2), 16));
    if (hex.length === 4) bytes.push(parseInt(hex.slice(2, 4), 16));
    rest = rest.slice(gm[0].length);
    if (hex.length === 2) break;
  }
  if (bytes.length === 0) return null;
  return { offset: parseInt(m[1], 16), bytes };
}

export const CONTINUATION = {
  tlv: /^(.+?) TLV \(0x([0-9a-fA-F]{2})\), length:? (\d+)/,
  port: new RegExp(`^System ${MAC}, System Priority (\\d+), Key (\\d+), Port (\\d+), Port Priority (\\d+)`),
  state: /^State Flags \[([^\]]*)\]/,
  maxDelay: /^Max Delay (\d+)/,
  marker: new RegExp(`^Request System ${MAC}, Request Port (\\d+), Request Transaction ID 0x([0-9a-fA-F]{1,8})`),
  error: /^ERROR: illegal length/,
  tooShort: /^packet is too short/,
  oamCode: /^Code (.+) OAM PDU, Flags \[([^\]]*)\]/,
  oamTlv: /^(.+) (Information|Link Event) Type \((\d+)\), length (\d+)/,
  oamVersion: /^OAM-Version (\d+), Revision (\d+)/,
  oamState: /^State-Parser-Action (.+), State-MUX-Action (.+)$/,
  oamConfig: /^OAM-Config Flags \[([^\]]*)\], OAM-PDU-Config max-PDU size (\d+)/,
  oamOui: /^OUI .* \(0x([0-9a-fA-F]{6})\), Vendor-Private 0x([0-9a-fA-F]{8})/,
  oamSequence: /^Sequence Number (\d+)/,
  oamEventTime: /^Timestamp (\d+) ms, Errored Window (\d+)/,
  oamThreshold: /^Errored Threshold (\d+)/,
  oamErrors: /^Errors (\d+)/,
  oamRunningErrors: /^Error Running Total (\d+)/,
  oamRunningEvents: /^Event Running Total (\d+)/,
  oamCommand: /^Command .* \((\d+)\)/,
  osspOui: /^OUI: .*\(0x([0-9a-fA-F]{6})\)/,
  linkTypeNote: /link-type ([A-Z0-9_]+)/,
} as const;

