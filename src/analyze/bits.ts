/** State bits (notes 1.3) and what they imply for the receive and mux machines (notes 2.3-2.5). */
import type { PortInfo } from '../decode/pdu.js';
import type { MuxState, RxState } from './model.js';

export const BIT = {
  activity: 0x01,
  timeout: 0x02,
  aggregation: 0x04,
  synchronization: 0x08,
  collecting: 0x10,
  distributing: 0x20,
  defaulted: 0x40,
  expired: 0x80,
} as const;

export const BIT_NAMES = Object.keys(BIT) as (keyof typeof BIT)[];

export const NULL_SYSTEM = '00:00:00:00:00:00';

export const BUNDLED_BITS = BIT.synchronization | BIT.collecting | BIT.distributing;

export function portId(system: string, port: number): string {
  return `${system}/${port}`;
}

export function linkId(a: string, b: string): string {
  return a < b ? `${a} <-> ${b}` : `${b} <-> ${a}`;
}

/** Defaulted wins over Expired: Juniper sets both while it has no partner (only_lacp.pcap). */
export function rxStateOf(state: number): RxState {
  if (state & BIT.defaulted) return 'defaulted';
  if (state & BIT.expired) return 'expired';
  return 'current';
}

/** Detached and Waiting look alike on the wire; C/D without Sync (OVS before negotiation) is not attached. */
export function muxStateOf(state: number): MuxState {
  if (!(state & BIT.synchronization)) return 'detached';
  if (!(state & BIT.collecting)) return 'attached';
  if (!(state & BIT.distributing)) return 'collecting';
  return 'collecting-distributing';
}

export function isBundledState(state: number): boolean {
  return (state & BUNDLED_BITS) === BUNDLED_BITS && (state & (BIT.defaulted | BIT.expired)) === 0;
}

/** Whether a PDU's partner TLV names a port: not all-zero, not admin defaults. */
export function namesPartner(actor: PortInfo, partner: PortInfo): boolean {
  return (actor.state & BIT.defaulted) === 0 && partner.system !== NULL_SYSTEM;
}

/** The port id a PDU's partner TLV names, or null when it names nobody (all-zero or admin defaults). */
export function namedPartner(actor: PortInfo, partner: PortInfo): string | null {
  return namesPartner(actor, partner) ? portId(partner.system, partner.port) : null;
}

export function isFast(state: number): boolean {
  return (state & BIT.timeout) !== 0;
}
