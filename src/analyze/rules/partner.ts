/** Rules about hearing the partner: F1 NO_PARTNER, F2 ONE_WAY, F5 EXPIRED, F6 DEFAULTED, F23 ZERO_STATE. */
import type { LacpPdu } from '../../decode/pdu.js';
import { BIT, NULL_SYSTEM, isBundledState, isFast, linkId } from '../bits.js';
import { type Ctx, type PortState, type Rule, describe, describeId, evidence, isCurrent, nowFor, receiverOf, secs, timeoutSec } from '../context.js';
import { type Evidence, type FindingRecord, extendedCopy, newRecord } from '../findings.js';

interface AloneEpisode {
  start: Evidence;
  last: Evidence;
  count: number;
  frames: number[];
  rec: FindingRecord | null;
}

/** F1: a port whose LACPDUs name no partner while no other system speaks on its interface. */
export function noPartnerRule(): Rule {
  const episodes = new Map<string, AloneEpisode>();
  /** Ports that have heard a peer on their wire at some point. */
  const peerHeard = new Set<string>();
  const message = (p: PortState) => (r: FindingRecord) =>
    `${describe(p)} hears no LACP partner: for ${secs(r.end - r.start)} (${r.count} LACPDUs) it names no partner` +
    `${p.last.actor.state & BIT.defaulted ? ' and runs on default partner information' : ''}, and no other system sent LACPDUs on ${p.interfaces.join(', ')}; ` +
    'check that the far end has LACP enabled in active mode (not a static "on" channel) on the port this cable reaches.';
  const tooLong = (ctx: Ctx, pdu: LacpPdu) => timeoutSec(ctx.th, isFast(pdu.actor.state)) + ctx.th.noPartnerGraceSec;
  const init = (p: PortState) => ({ code: 'NO_PARTNER' as const, severity: 'error' as const, port: p.id, message: message(p) });
  return {
    onLacp(ctx, p, pdu, t) {
      // This PDU is a peer for partner-less ports of other systems on the same wire, unless it is busy with a third port.
      for (const y of ctx.ifacePorts.get(pdu.interface) ?? []) {
        if (peerHeard.has(y.id) || y.system === p.system || (p.peerId !== null && p.peerId !== y.id)) continue;
        peerHeard.add(y.id);
        episodes.delete(y.id);
      }
      if (p.peerId !== null) {
        episodes.delete(p.id);
        return;
      }
      // Once a peer was heard, losing it is DEFAULTED / PDU_TIMEOUT, not "never hears a partner".
      if (peerHeard.has(p.id)) return;
      const ev = evidence(pdu, t);
      let e = episodes.get(p.id);
      if (!e) {
        e = { start: ev, last: ev, count: 0, frames: [], rec: null };
        episodes.set(p.id, e);
      }
      e.count++;
      e.last = ev;
      if (e.rec) {
        ctx.log.extend(e.rec, ev);
        return;
      }
      if (e.frames.length < ctx.th.maxEvidenceFrames) e.frames.push(pdu.frame);
      if (e.count >= ctx.th.noPartnerMinPdus || t - e.start.t >= tooLong(ctx, pdu)) {
        e.rec = ctx.log.open(`NO_PARTNER|${p.id}|${e.start.time}`, init(p), e.start);
        for (const f of e.frames.slice(1)) ctx.log.extend(e.rec, { ...e.last, frame: f });
        e.rec.count = e.count;
      }
    },
    open(ctx, out) {
      for (const [id, e] of episodes) {
        if (e.rec) continue;
        const p = ctx.ports.get(id)!;
        const now = nowFor(ctx, p);
        if (now.t - e.start.t < tooLong(ctx, p.last)) continue;
        const r = newRecord(`NO_PARTNER|${p.id}|${e.start.time}`, init(p), e.start);
        for (const f of e.frames.slice(1)) r.frames.push(f);
        r.count = e.count;
        out.push(extendedCopy(r, { ...now, frame: null }, ctx.th.maxEvidenceFrames));
      }
    },
  };
}

/** F2: the partner names this port and keeps sending, but this port keeps hearing nobody. */
export function oneWayRule(): Rule {
  /** Per deaf port: since when it is deaf, and the first LACPDU naming it that arrived meanwhile. */
  const deafness = new Map<string, { since: number; heard: Map<string, number> }>();
  const isDeaf = (p: PortState) => p.peerId === null || (p.last.actor.state & BIT.expired) !== 0;
  return {
    onLacp(ctx, p, pdu, t) {
      // As a sender: note the first LACPDU that a deaf partner should have heard.
      const named = p.peerId === null ? undefined : deafness.get(p.peerId);
      if (named && isCurrent(pdu) && !named.heard.has(p.id)) named.heard.set(p.id, t);
      // As a receiver.
      if (!isDeaf(p)) {
        deafness.delete(p.id);
        return;
      }
      let d = deafness.get(p.id);
      if (!d) deafness.set(p.id, (d = { since: t, heard: new Map() }));
      const limit = timeoutSec(ctx.th, isFast(pdu.actor.state)) + ctx.th.oneWayGraceSec;
      for (const [aId, first] of d.heard) {
        const a = ctx.ports.get(aId);
        if (!a || a.peerId !== p.id || !isCurrent(a.last) || t - first <= limit) continue;
        const r = ctx.log.episode(
          p.id,
          {
            code: 'ONE_WAY',
            severity: 'error',
            port: p.id,
            link: linkId(aId, p.id),
            message: (r) =>
              `${describe(a)} hears its partner ${describe(p)} and keeps sending to it, but that port has not recorded it for ${secs(r.end - first)}: ` +
              `LACPDUs from ${a.system} do not reach (or are dropped by) ${p.system} port ${p.port}; check LACP on that side, ` +
              'its receive path (carrier, filters, a bond that ignores received LACPDUs) and the cabling.',
          },
          evidence(pdu, t),
          ctx.th.episodeMergeSec,
        );
        ctx.log.extend(r, evidence(a.last, a.lastT));
        return;
      }
    },
  };
}

/** F5: the port reports Expired: it stopped hearing its partner. */
export function expiredRule(): Rule {
  return {
    onLacp(ctx, p, pdu, t, dup) {
      const s = pdu.actor.state;
      // Expired together with Defaulted is Juniper's partner-less state (treated as Defaulted).
      if (dup || !(s & BIT.expired) || s & BIT.defaulted) return;
      // Open vSwitch's first LACPDU on a new port carries Expired: a start-up transient. So does any
      // Expired with an all-zero partner record before the port ever had a partner: nobody was lost.
      if (p.stack === 'openvswitch' && p.pdus === 1) return;
      if (pdu.partner.system === NULL_SYSTEM && !p.everPartnered) return;
      const prev = p.prev;
      const continuing = prev !== null && (prev.actor.state & (BIT.expired | BIT.defaulted)) === BIT.expired;
      const ev = evidence(pdu, t);
      const partner = p.lastPeerId;
      const to = timeoutSec(ctx.th, isFast(s));
      const msg = (r: FindingRecord) =>
        `${describe(p)} reports Expired: it stopped hearing its partner ${partner ? describeId(ctx, partner) : '(unknown)'}, ` +
        `whose last valid LACPDU reached it about ${to} s earlier (its ${isFast(s) ? 'short' : 'long'} timeout); ` +
        'check that partner and the link towards it (LACP process, control-plane load, one-way loss)' +
        (r.count > 1 ? `; it stayed Expired for ${secs(r.end - r.start)}.` : '.');
      if (continuing) {
        ctx.log.episode(p.id, { code: 'EXPIRED', severity: 'warning', port: p.id, message: msg }, ev, Infinity);
      } else {
        ctx.log.episode(p.id, { code: 'EXPIRED', severity: 'warning', port: p.id, message: msg }, ev, -1);
      }
    },
  };
}

/** F6: the port fell back to default partner information after having a partner. */
export function defaultedRule(): Rule {
  /** Ports in a reported Defaulted episode. */
  const raised = new Set<string>();
  return {
    onLacp(ctx, p, pdu, t, dup) {
      if (!(pdu.actor.state & BIT.defaulted)) {
        raised.delete(p.id);
        return;
      }
      if (dup) return;
      const continuing = raised.has(p.id);
      if (!continuing && !p.everPartnered) return;
      raised.add(p.id);
      const partner = p.lastPeerId;
      const msg = (r: FindingRecord) =>
        `${describe(p)} fell back to default partner information (Defaulted) after having a partner` +
        `${partner ? `, ${describeId(ctx, partner)}` : ''}: it heard no LACPDU for its whole timeout and now runs the link ` +
        `as an individual port${r.end - r.start >= 1 ? ` (for ${secs(r.end - r.start)})` : ''}; check the partner's LACP configuration and the link.`;
      ctx.log.episode(p.id, { code: 'DEFAULTED', severity: 'error', port: p.id, message: msg }, evidence(pdu, t), continuing ? Infinity : -1);
    },
  };
}

/** F23: an all-zero actor state while the partner is bundled (LACP process restart, warm reboot). */
export function zeroStateRule(): Rule {
  return {
    onLacp(ctx, p, pdu, t, dup) {
      if (dup || pdu.actor.state !== 0) return;
      const r = receiverOf(ctx, p);
      if (!r || !isBundledState(r.last.actor.state)) return;
      ctx.log.episode(
        p.id,
        {
          code: 'ZERO_STATE',
          severity: 'warning',
          port: p.id,
          message: () =>
            `${describe(p)} sent an all-zero actor state (no Activity, Aggregation or Synchronization) while its partner ${describe(r)} ` +
            'was bundled: typical of a LACP process restart or warm reboot, and the partner drops the port from the bundle; check the LACP daemon on that side.',
        },
        evidence(pdu, t),
        ctx.th.episodeMergeSec,
      );
    },
  };
}
