/** The analyzer's mutable state shared by the rules: ports, clocks, findings. */
import type { SourceStats } from '../capture/frame.js';
import type { LacpPdu, SlowPdu } from '../decode/pdu.js';
import type { Stack, TimelineEntry } from './model.js';
import type { Thresholds } from './thresholds.js';
import { FindingLog, type Evidence, type FindingRecord } from './findings.js';
import { IntervalStats } from './intervals.js';
import { BIT } from './bits.js';
import { STACK_NAMES } from './fingerprint.js';

export interface PortState {
  id: string;
  system: string;
  systemPriority: number;
  port: number;
  key: number;
  src: string | null;
  interfaces: string[];
  source: string;
  firstT: number;
  firstStr: string;
  pdus: number;
  last: LacpPdu;
  lastT: number;
  prev: LacpPdu | null;
  prevT: number;
  /** Time of the last PDU that was not a capture duplicate. */
  distinctT: number;
  /** The port its latest PDU names as partner (null: none, all-zero or defaulted). */
  peerId: string | null;
  /** Ports whose latest PDU names this one: since when (this naming run) and last time. */
  namers: Map<string, Namer>;
  intervals: IntervalStats;
  timeline: TimelineEntry[];
  timelineDropped: number;
  stack: Stack;
  /** Whether a link with `lastPeerId` is known (skips the lookup in the steady state). */
  linked: boolean;
  /** Whether the PDU being processed changed anything in the timeline (rules skip steady-state work). */
  changed: boolean;
  /** Ever Current with a partner, or Expired (which implies it had one). */
  everPartnered: boolean;
  /** The last port it named as partner (kept after it expires or defaults). */
  lastPeerId: string | null;
  /** The port id this one replaced after a system id change, and the one that replaced it. */
  predecessor: string | null;
  successor: string | null;
}

export interface Clock {
  t: number;
  time: string;
}

export interface Ctx {
  th: Thresholds;
  ports: Map<string, PortState>;
  log: FindingLog;
  /** Latest frame time per interface: later frames prove the capture was still running there. */
  ifaceClock: Map<string, Clock>;
  /** Live wall clock from tick(). */
  tick: Clock | null;
  /** Ports seen per interface, and per actor system. */
  ifacePorts: Map<string, PortState[]>;
  bySystem: Map<string, PortState[]>;
  sources: Map<string, SourceAcc>;
  /** New system id -> the one it replaced (SYSTEM_CHANGED), so both count as one partner. */
  systemAlias: Map<string, string>;
  /** Ports whose latest PDU names `id` (kept even before `id` itself is seen). */
  namersOf(id: string): Map<string, Namer>;
}

export interface Namer {
  /** Since when it names the port without interruption. */
  since: number;
  last: number;
}

/** What the analyzer counted for one input, beside the reader's own statistics. */
export interface SourceAcc {
  name: string;
  stats: SourceStats | null;
  slow: number;
  lacpdus: number;
  malformed: number;
  first: Clock | null;
  last: Clock | null;
}

/** A rule: a small unit that watches PDUs and raises findings through `ctx.log`. */
export interface Rule {
  /** After the port was updated (`p.last` is `pdu`, `p.prev` the one before); `dup` marks capture doubling. */
  onLacp?(ctx: Ctx, p: PortState, pdu: LacpPdu, t: number, dup: boolean): void;
  /** Any non-LACP slow PDU (markers, malformed others). */
  onOther?(ctx: Ctx, pdu: SlowPdu, t: number): void;
  /**
   * Conditions still open when the report is made, judged against the clock; must not change state.
   * `final` is true once the input has ended.
   */
  open?(ctx: Ctx, out: FindingRecord[], final: boolean): void;
}

export function evidence(pdu: SlowPdu, t: number): Evidence {
  return { t, time: pdu.time, frame: pdu.frame, source: pdu.source };
}

/** The latest time the capture is known to have been running where `p` was seen. */
export function nowFor(ctx: Ctx, p: PortState): Clock {
  let best: Clock = { t: p.lastT, time: p.last.time };
  for (const i of p.interfaces) {
    const c = ctx.ifaceClock.get(i);
    if (c && c.t > best.t) best = c;
  }
  if (ctx.tick && ctx.tick.t > best.t) best = ctx.tick;
  return best;
}

export function periodSec(th: Thresholds, fast: boolean): number {
  return fast ? th.fastPeriodSec : th.slowPeriodSec;
}

export function timeoutSec(th: Thresholds, fast: boolean): number {
  return fast ? th.shortTimeoutSec : th.longTimeoutSec;
}

/** The port listening to `s`: the one `s` names, else the latest one naming `s`, else the last one it named. */
export function receiverOf(ctx: Ctx, s: PortState): PortState | null {
  if (s.peerId !== null) {
    const r = ctx.ports.get(s.peerId);
    if (r) return r;
  }
  let best: PortState | null = null;
  let bestT = -Infinity;
  for (const [id, n] of s.namers) {
    if (n.last > bestT) {
      const r = ctx.ports.get(id);
      if (r) {
        best = r;
        bestT = n.last;
      }
    }
  }
  return best ?? (s.lastPeerId === null ? null : (ctx.ports.get(s.lastPeerId) ?? null));
}

export function isCurrent(pdu: LacpPdu): boolean {
  return (pdu.actor.state & (BIT.expired | BIT.defaulted)) === 0;
}

/** A system id with renames (SYSTEM_CHANGED) followed back to the first one seen. */
export function canonicalSystem(ctx: Ctx, system: string): string {
  let s = system;
  for (let i = 0; i < 16; i++) {
    const prev = ctx.systemAlias.get(s);
    if (prev === undefined) break;
    s = prev;
  }
  return s;
}

/** `port 22 of system 00:13:c4:12:0f:00 (Cisco, on eth0)`. */
export function describe(p: PortState): string {
  const stack = p.stack === 'unknown' ? '' : `${STACK_NAMES[p.stack]}, `;
  return `port ${p.port} of system ${p.system} (${stack}on ${p.interfaces.join(', ')})`;
}

/** Describe a port id that may not have been seen sending. */
export function describeId(ctx: Ctx, id: string): string {
  const p = ctx.ports.get(id);
  if (p) return describe(p);
  const slash = id.lastIndexOf('/');
  return `port ${id.slice(slash + 1)} of system ${id.slice(0, slash)} (not seen sending)`;
}

export function secs(x: number): string {
  if (x >= 10) return `${Math.round(x)} s`;
  if (x >= 1) return `${x.toFixed(1)} s`;
  return `${(x * 1000).toFixed(0)} ms`;
}
