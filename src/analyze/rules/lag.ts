/**
 * Rules across the ports of one aggregation (actor system + key): F8 PARTNER_SYSTEM_MISMATCH,
 * F9 PARTNER_KEY_MISMATCH, F10 ACTOR_KEY_MISMATCH, and the mux progress of a link:
 * F12/F13 NEGOTIATION_STALLED and F14 STANDBY.
 */
import type { LacpPdu } from '../../decode/pdu.js';
import { BIT, isBundledState, isFast } from '../bits.js';
import { type Ctx, type PortState, type Rule, type Clock, canonicalSystem, describe, evidence, isCurrent, nowFor, secs, timeoutSec } from '../context.js';
import { type FindingRecord, extendedCopy, newRecord } from '../findings.js';
import { describeLinuxKey } from '../fingerprint.js';
import { echoMatches } from './echo.js';

/** Members still current with a partner: heard within their own timeout of `t`. */
function liveMembers(ctx: Ctx, p: PortState, t: number, sameKey: boolean): PortState[] {
  const out: PortState[] = [];
  for (const m of ctx.bySystem.get(p.system) ?? []) {
    if (sameKey && m.key !== p.key) continue;
    if (m.peerId === null || !isCurrent(m.last)) continue;
    if (t - m.lastT > timeoutSec(ctx.th, isFast(m.last.actor.state))) continue;
    out.push(m);
  }
  return out;
}

function list(ports: PortState[]): string {
  return ports.map((m) => `port ${m.port} (${m.interfaces.join(', ')})`).join(', ');
}

/** What splits the aggregation of `p` at time `t` (F8, F9, F10), from the live members' latest PDUs. */
interface Split {
  members: PortState[];
  partnerSystems: Set<string>;
  samePartner: PortState[];
  partnerKeys: Set<number>;
  towards: PortState[];
  actorKeys: Set<number>;
}

function splitOf(ctx: Ctx, p: PortState, t: number): Split {
  const pdu = p.last;
  const members = liveMembers(ctx, p, t, true);
  // A renamed partner (SYSTEM_CHANGED) is still one partner.
  const partnerSystems = new Set(members.map((m) => `${m.last.partner.systemPriority},${canonicalSystem(ctx, m.last.partner.system)}`));
  const samePartner = members.filter((m) => m.last.partner.system === pdu.partner.system);
  const partnerKeys = new Set(samePartner.map((m) => m.last.partner.key));
  const towards = liveMembers(ctx, p, t, false).filter((m) => m.last.partner.system === pdu.partner.system && m.last.partner.key === pdu.partner.key);
  const actorKeys = new Set(towards.map((m) => m.key));
  return { members, partnerSystems, samePartner, partnerKeys, towards, actorKeys };
}

function isSplit(s: Split): boolean {
  return s.partnerSystems.size > 1 || s.partnerKeys.size > 1 || s.actorKeys.size > 1;
}

/** F8, F9, F10. */
export function aggregationRule(): Rule {
  /** Systems with a mismatch seen at their last evaluation: re-checked on every PDU to extend the episode. */
  const suspect = new Set<string>();
  return {
    onLacp(ctx, p, pdu, t, dup) {
      if (dup || p.peerId === null || !isCurrent(pdu)) return;
      // Steady state: nothing about this port changed, and its system had no mismatch.
      if (!p.changed && !suspect.has(p.system)) return;
      suspect.delete(p.system);
      const split = splitOf(ctx, p, t);
      if (!isSplit(split)) return;
      suspect.add(p.system);
      const ev = evidence(pdu, t);
      const { members, samePartner, partnerKeys, towards, actorKeys } = split;
      if (split.partnerSystems.size > 1) {
        const systems = [...new Set(members.map((m) => m.last.partner.system))];
        ctx.log.episode(
          `${p.system}|${p.key}`,
          {
            code: 'PARTNER_SYSTEM_MISMATCH',
            severity: 'error',
            port: p.id,
            message: () =>
              `Aggregation key ${p.key} of system ${p.system} sees ${systems.length} different partner systems (${systems.join(', ')}) ` +
              `on ${list(members)}: the members go to switches that do not share one LACP system id (unstacked switches or MLAG/vPC without a common system id), ` +
              'so only some of them can bundle; configure a shared LACP system id or cable all members to one switch.',
          },
          ev,
          ctx.th.episodeMergeSec,
        );
      }
      if (partnerKeys.size > 1) {
        ctx.log.episode(
          `${p.system}|${p.key}|${pdu.partner.system}`,
          {
            code: 'PARTNER_KEY_MISMATCH',
            severity: 'error',
            port: p.id,
            message: () =>
              `Members of aggregation key ${p.key} of system ${p.system} (${list(samePartner)}) see partner ${pdu.partner.system} with different keys ` +
              `(${[...partnerKeys].sort((a, b) => a - b).join(', ')}): on that partner the ports sit in different port-channels/bonds; put them in the same one.`,
          },
          ev,
          ctx.th.episodeMergeSec,
        );
      }
      if (actorKeys.size > 1) {
        const linux = p.stack === 'linux';
        ctx.log.episode(
          `${p.system}|${pdu.partner.system}|${pdu.partner.key}`,
          {
            code: 'ACTOR_KEY_MISMATCH',
            severity: 'error',
            port: p.id,
            message: () =>
              `System ${p.system} uses different keys (${towards.map((m) => `port ${m.port}: ${m.key}${linux ? ` = ${describeLinuxKey(m.key)}` : ''}`).join(', ')}) ` +
              `on ports towards one partner aggregation (${pdu.partner.system} key ${pdu.partner.key}), so they cannot bundle together; ` +
              (linux ? 'Linux derives the key from speed and duplex: check the members\' link speed/duplex.' : 'check speed, duplex and the admin key of those ports.'),
          },
          ev,
          ctx.th.episodeMergeSec,
        );
      }
    },
  };
}

type Stage = 'synchronization' | 'collecting' | 'distributing' | 'standby';

interface StallEpisode {
  stage: Stage;
  start: Clock & { frame: number; source: string };
  peer: string;
  rec: FindingRecord | null;
}

/** Where a link that both ends agree on is stuck, from this port's bits (notes 2.5). */
function stageOf(ctx: Ctx, p: PortState): { stage: Stage; peer: PortState } | null {
  const q = p.peerId === null ? undefined : ctx.ports.get(p.peerId);
  if (!q || q.peerId !== p.id || !isCurrent(p.last) || !isCurrent(q.last)) return null;
  // A stale echo blocks Synchronization by itself: that is ECHO_MISMATCH, not a stall.
  if (!echoMatches(p.last.partner, q.last.actor) || !echoMatches(q.last.partner, p.last.actor)) return null;
  const a = p.last.actor.state;
  const b = q.last.actor.state;
  if (!(a & BIT.synchronization)) {
    if (!(a & BIT.aggregation)) return null;
    for (const m of ctx.bySystem.get(p.system) ?? []) {
      if (m !== p && m.key === p.key && m.last.partner.system === p.last.partner.system && m.last.partner.key === p.last.partner.key && isBundledState(m.last.actor.state)) {
        return { stage: 'standby', peer: q };
      }
    }
    // Members left out by a split aggregation are explained by that finding (F8-F10).
    if (isSplit(splitOf(ctx, p, p.lastT)) || isSplit(splitOf(ctx, q, q.lastT))) return null;
    return { stage: 'synchronization', peer: q };
  }
  if (!(b & BIT.synchronization)) return null;
  if (!(a & BIT.collecting)) return { stage: 'collecting', peer: q };
  if (b & BIT.collecting && !(a & BIT.distributing)) return { stage: 'distributing', peer: q };
  return null;
}

const HINTS: Record<Stage, string> = {
  synchronization:
    'it is not selected into an aggregator: check that both ends put this port in the same port-channel/bond (keys, speed, min-links) and whether the switch shows it suspended or individual.',
  collecting:
    'the mux machine does not enable collecting: check the device for a port held in the attached state (e.g. Cisco PEER_COLLECT_ENABLE_NOT_RCVD) or waiting for a partner flag.',
  distributing: 'it collects but never distributes although the partner collects: check the device\'s mux state and min-links settings.',
  standby: '',
};

/** F12/F13/F14. */
export function stallRule(): Rule {
  const episodes = new Map<string, StallEpisode>();
  const thresholdFor = (ctx: Ctx, stage: Stage) =>
    stage === 'synchronization' ? ctx.th.stallWarnSec : stage === 'standby' ? ctx.th.standbySec : ctx.th.collectStallSec;
  const severityFor = (ctx: Ctx, stage: Stage, dur: number) =>
    stage === 'standby' ? 'info' : stage === 'synchronization' && dur < ctx.th.stallErrorSec ? 'warning' : 'error';
  const init = (ctx: Ctx, p: PortState, e: StallEpisode, dur: number) => {
    const q = ctx.ports.get(e.peer);
    const stage = e.stage;
    return {
      code: stage === 'standby' ? ('STANDBY' as const) : ('NEGOTIATION_STALLED' as const),
      severity: severityFor(ctx, stage, dur) as 'info' | 'warning' | 'error',
      port: p.id,
      message: (r: FindingRecord) =>
        stage === 'standby'
          ? `${describe(p)} is healthy but held out of the active aggregation (standby) while other members of its LAG are bundled; ` +
            'expected with max-bundle or a non-active Linux aggregator, otherwise check why it is not selected.'
          : `${describe(p)} and its partner ${q ? describe(q) : e.peer} hear each other, but ${describe(p)} has not set ${stage[0].toUpperCase()}${stage.slice(1)} for ${secs(r.end - r.start)}: ${HINTS[stage]}`,
    };
  };
  const update = (ctx: Ctx, p: PortState, pdu: LacpPdu, t: number) => {
    const now = stageOf(ctx, p);
    let e = episodes.get(p.id);
    if (!now) {
      episodes.delete(p.id);
      return;
    }
    if (!e || e.stage !== now.stage || e.peer !== now.peer.id) {
      e = { stage: now.stage, start: { t, time: pdu.time, frame: pdu.frame, source: pdu.source }, peer: now.peer.id, rec: null };
      episodes.set(p.id, e);
    }
    const dur = t - e.start.t;
    if (dur < thresholdFor(ctx, e.stage)) return;
    const ev = evidence(pdu, t);
    if (!e.rec) e.rec = ctx.log.open(`STALL|${p.id}|${e.start.time}`, init(ctx, p, e, dur), e.start);
    e.rec.severity = severityFor(ctx, e.stage, dur);
    ctx.log.extend(e.rec, ev);
  };
  return {
    onLacp(ctx, p, pdu, t, dup) {
      if (dup) return;
      if (p.changed || episodes.has(p.id)) update(ctx, p, pdu, t);
      // The partner's PDU can complete (or end) the condition for this port's peer as well.
      const q = p.peerId === null ? undefined : ctx.ports.get(p.peerId);
      if (q && (p.changed || episodes.has(q.id))) update(ctx, q, pdu, t);
    },
    open(ctx, out) {
      for (const [id, e] of episodes) {
        const p = ctx.ports.get(id)!;
        const now = nowFor(ctx, p);
        const dur = now.t - e.start.t;
        if (dur < thresholdFor(ctx, e.stage)) continue;
        const base = e.rec ?? newRecord(`STALL|${p.id}|${e.start.time}`, init(ctx, p, e, dur), e.start);
        const c = extendedCopy(base, { ...now, frame: null }, ctx.th.maxEvidenceFrames);
        c.severity = severityFor(ctx, e.stage, dur);
        out.push(c);
      }
    },
  };
}
