/**
 * Which LACP implementation a port runs, from the defaults it puts on the wire (notes 2.3, 2.8):
 * priorities, key style, collector delay, the admin defaults shown for a missing partner, and OUIs.
 */
import type { LacpPdu } from '../decode/pdu.js';
import type { Stack } from './model.js';
import { BIT, NULL_SYSTEM } from './bits.js';

/** OUIs (first three bytes of the system id or source MAC) registered to each vendor. */
const OUIS: Record<string, Stack> = {
  '00:13:c4': 'cisco',
  '00:0e:83': 'cisco',
  '00:1b:54': 'cisco',
  '00:26:0b': 'cisco',
  '00:24:f7': 'cisco',
  '4c:96:14': 'juniper',
  '00:05:85': 'juniper',
  '28:8a:1c': 'juniper',
  '3c:61:04': 'juniper',
  '84:b5:9c': 'juniper',
  '00:1c:73': 'arista',
  '28:99:3a': 'arista',
  '44:4c:a8': 'arista',
  '74:83:ef': 'arista',
  '98:5d:82': 'arista',
  'fc:bd:67': 'arista',
  '00:04:96': 'extreme',
  '00:e0:2b': 'extreme',
  '5c:0e:8b': 'extreme',
};

/** Cisco IOS puts 0x8000 in Collector Max Delay; everyone else sends 0 (LACP.pcap, icebale lacp1.pcapng). */
const CISCO_COLLECTOR_DELAY = 32768;

export const STACK_NAMES: Record<Stack, string> = {
  linux: 'Linux bonding',
  openvswitch: 'Open vSwitch',
  teamd: 'teamd',
  cisco: 'Cisco',
  juniper: 'Juniper',
  arista: 'Arista',
  extreme: 'Extreme',
  unknown: 'unknown stack',
};

function ouiOf(mac: string | null): Stack | undefined {
  return mac === null ? undefined : OUIS[mac.slice(0, 8)];
}

export function fingerprint(pdu: LacpPdu): Stack {
  const a = pdu.actor;
  const p = pdu.partner;
  if (a.systemPriority === 127 && a.portPriority === 127) return 'juniper';
  // Juniper's admin defaults for a missing partner: priority 1, key 1, port 1 (only_lacp.pcap).
  if (a.state & BIT.defaulted && p.system === NULL_SYSTEM) {
    // Admin defaults shown for a missing partner: Juniper 1/1/1/1 (only_lacp.pcap); Linux 0xffff/key 1/port 1/0xff.
    if (p.systemPriority === 1 && p.key === 1 && p.portPriority === 1) return 'juniper';
    if (p.systemPriority === 65535 && p.key === 1 && p.port === 1 && p.portPriority === 255) return 'linux';
  }
  // Open vSwitch: port priority 65535, system priority 65534 by default (65535 in its tests).
  if (a.portPriority === 65535 && a.systemPriority >= 65534) return 'openvswitch';
  if (a.systemPriority === 65535 && a.portPriority === 255) return a.key === 0 ? 'teamd' : 'linux';
  if (pdu.collectorMaxDelay === CISCO_COLLECTOR_DELAY) return 'cisco';
  const byOui = ouiOf(a.system) ?? ouiOf(pdu.src);
  if (byOui) return byOui;
  // Linux keys carry the duplex bit and a speed code (notes 2.7); teamd's default key is 0.
  if (a.portPriority === 255) return 'linux';
  return 'unknown';
}

const LINUX_SPEEDS = ['?', '1M', '10M', '100M', '1G', '2.5G', '5G', '10G', '14G', '20G', '25G', '40G', '50G', '56G', '100G', '200G', '400G', '800G'];

/** Speed and duplex a Linux bonding key encodes (bit 0 duplex, bits 1-5 speed code). */
export function describeLinuxKey(key: number): string {
  const speed = LINUX_SPEEDS[(key >> 1) & 0x1f] ?? 'unknown speed';
  return `${speed} ${key & 1 ? 'full' : 'half'} duplex`;
}
