/** Printing decoded PDUs: the `decode --format jsonl` object and the one-line text form. */
import { LACP_TLV_TYPES, STATE_BITS } from './fields.js';
import type { PortInfo, Problem, SlowPdu, StateFlag, Tlv, Vlan } from './pdu.js';

// Every state byte's names and string, worked out from STATE_BITS once: each PDU needs them twice.
const FLAG_NAMES: readonly (readonly StateFlag[])[] = Array.from({ length: 256 }, (_, state) => STATE_BITS.filter((b) => state & b.mask).map((b) => b.flag));
const STATE_STRINGS: readonly string[] = Array.from({ length: 256 }, (_, state) =>
  STATE_BITS.map((b) => (state & b.mask ? b.letter : '*'))
    .reverse()
    .join(''),
);

/** Flag names of the set bits, bit 0 first (CONTRACT.md names); a new array the caller owns. */
export function flagNames(state: number): StateFlag[] {
  return FLAG_NAMES[state & 0xff].slice();
}

/** Wireshark's 8-character state string, most significant bit first (`EFDCSGSA`, `*` when clear). */
export function stateString(state: number): string {
  return STATE_STRINGS[state & 0xff];
}

/** tcpdump's `State Flags [...]` words for a state byte (`none` when zero). */
export function tcpdumpFlags(state: number): string {
  const words = STATE_BITS.filter((b) => state & b.mask).map((b) => b.tcpdump);
  return words.length ? words.join(', ') : 'none';
}

function port(p: PortInfo) {
  return { systemPriority: p.systemPriority, system: p.system, key: p.key, portPriority: p.portPriority, port: p.port, state: p.state, flags: p.flags };
}

function problem(p: Problem) {
  return p.offset === undefined ? { code: p.code, message: p.message, severity: p.severity } : { code: p.code, message: p.message, severity: p.severity, offset: p.offset };
}

function vlan(v: Vlan) {
  return { tpid: v.tpid, id: v.id, pcp: v.pcp, dei: v.dei };
}

function tlv(t: Tlv) {
  return { type: t.type, name: t.name, length: t.length, value: t.value };
}

/** The contract's jsonl object, keys in the documented order, as one line without a newline. */
export function formatJsonl(pdu: SlowPdu): string {
  const head = {
    source: pdu.source,
    interface: pdu.interface,
    frame: pdu.frame,
    time: pdu.time,
    direction: pdu.direction,
    src: pdu.src,
    dst: pdu.dst,
    vlans: pdu.vlans.map(vlan),
    subtype: pdu.subtype,
  };
  let body: object;
  switch (pdu.subtype) {
    case 'lacp':
      body = { version: pdu.version, actor: port(pdu.actor), partner: port(pdu.partner), collectorMaxDelay: pdu.collectorMaxDelay, tlvs: pdu.tlvs.map(tlv) };
      break;
    case 'marker':
    case 'marker-response':
      body = {
        version: pdu.version,
        requesterPort: pdu.requesterPort,
        requesterSystem: pdu.requesterSystem,
        requesterTransactionId: pdu.requesterTransactionId,
        tlvs: pdu.tlvs.map(tlv),
      };
      break;
    case 'oam':
      body = { flags: pdu.flags, code: pdu.code, codeName: pdu.codeName, data: pdu.data };
      break;
    case 'ossp':
      body = { oui: pdu.oui, ouiName: pdu.ouiName, data: pdu.data };
      break;
    case 'unknown':
      body = { subtypeValue: pdu.subtypeValue, data: pdu.data };
      break;
  }
  // Object.assign, not a spread: see pduOf in decode.ts (a spread plus keys is slow on Node 20).
  return JSON.stringify(Object.assign(head, body, { problems: pdu.problems.map(problem) }));
}

function portText(label: string, p: PortInfo): string {
  return `${label} ${p.system} P: ${p.port} K: ${p.key} ${stateString(p.state)}`;
}

function tlvText(t: Tlv): string {
  const known = LACP_TLV_TYPES.some((k) => k.type === t.type);
  return known ? `${t.name}(${t.length})` : `TLV 0x${t.type.toString(16).padStart(2, '0')}(${t.length})`;
}

function bodyText(pdu: SlowPdu): string {
  switch (pdu.subtype) {
    case 'lacp': {
      const tlvs = pdu.tlvs.length ? ` TLVs ${pdu.tlvs.map(tlvText).join(' ')}` : '';
      return `LACPv${pdu.version} ${portText('ACTOR', pdu.actor)} ${portText('PARTNER', pdu.partner)}${tlvs}`;
    }
    case 'marker':
    case 'marker-response':
      return `MARKERv${pdu.version} ${pdu.subtype === 'marker' ? 'Information' : 'Response'} System ${pdu.requesterSystem} P: ${pdu.requesterPort} TransID: 0x${pdu.requesterTransactionId.toString(16).padStart(8, '0')}`;
    case 'oam':
      return `OAM ${pdu.codeName} (0x${pdu.code.toString(16).padStart(2, '0')}) flags 0x${pdu.flags.toString(16).padStart(4, '0')}`;
    case 'ossp':
      return `OSSP OUI ${pdu.oui}${pdu.ouiName ? ` (${pdu.ouiName})` : ''}, ${pdu.data.length / 2} bytes`;
    case 'unknown':
      return pdu.subtypeValue === null ? 'not a Slow Protocols PDU' : `Slow Protocols subtype ${pdu.subtypeValue}, ${pdu.data.length / 2 + 1} bytes`;
  }
}

/**
 * One line per frame, like Wireshark's Info column after frame number, time, interface and
 * direction: `12 1700000000.123456789 eth0 in  LACPv1 ACTOR … PARTNER …`, problems appended.
 */
export function formatTextLine(pdu: SlowPdu): string {
  const dir = (pdu.direction ?? '-').padEnd(3);
  const vlans = pdu.vlans.length ? `vlan ${pdu.vlans.map((v) => v.id).join('.')} ` : '';
  const problems = pdu.problems.map((p) => ` [${p.code}: ${p.message}]`).join('');
  return `${pdu.frame} ${pdu.time} ${pdu.interface} ${dir} ${vlans}${bodyText(pdu)}${problems}`;
}
