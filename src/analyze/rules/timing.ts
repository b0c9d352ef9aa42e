/**
 * Timing rules, each judged against what the receiver asked for (its Timeout bit), never a fixed
 * interval: F3 LATE_PDU / PDU_TIMEOUT, F4 RATE_IGNORED, F17 TX_RATE_EXCEEDED, F24 ASYMMETRIC_RATE.
 */
import type { LacpPdu } from '../../decode/pdu.js';
import { BIT, isFast, linkId, namesPartner } from '../bits.js';
import {
  type Ctx,
  type PortState,
  type Rule,
  describe,
  evidence,
  isCurrent,
  nowFor,
  periodSec,
  receiverOf,
  secs,
  timeoutSec,
} from '../context.js';
import { type FindingRecord, extendedCopy, newRecord } from '../findings.js';

/** Someone listens to `s` across a gap starting at `since`: `s` was current with a partner, or the partner spoke meanwhile. */
function listened(ctx: Ctx, s: PortState, before: LacpPdu, since: number): boolean {
  if (isCurrent(before) && namesPartner(before.actor, before.partner)) return true;
  const r = receiverOf(ctx, s);
  return r !== null && r.peerId === s.id && r.lastT > since;
}

/** Requested interval for `s`: the slow one when either end of the gap shows the slow request (rate switches). */
function requestedFast(before: LacpPdu, after: LacpPdu | null): boolean {
  // A PDU that comes back Expired/Defaulted carries a forced or default partner record, not a request.
  return isFast(before.partner.state) && (after === null || !isCurrent(after) || isFast(after.partner.state));
}

function receiverTimeout(ctx: Ctx, s: PortState, fastRequested: boolean): { to: number; r: PortState | null } {
  const r = receiverOf(ctx, s);
  return { to: timeoutSec(ctx.th, r ? isFast(r.last.actor.state) : fastRequested), r };
}

interface Noticed {
  what: string;
  after: number;
}

function timeoutMessage(s: PortState, r: PortState | null, to: number, resumed: boolean, noticed: Map<string, Noticed>) {
  return (rec: FindingRecord) => {
    const n = noticed.get(rec.key);
    return (
      `${describe(s)} sent no LACPDU for ${secs(rec.end - rec.start)}${resumed ? '' : ' (and had not resumed when last seen)'}, ` +
      `while its partner ${r ? describe(r) : ''} expires partner information after ${to} s` +
      (n ? ` and reported ${n.what} ${secs(n.after)} after that port's last LACPDU` : '') +
      ': the partner had to time the link out; check the sending side (LACP process, control-plane load, link or loss in that direction).'
    );
  };
}

/** F3: gaps between consecutive LACPDUs of one port, judged against the receiver's request. */
export function gapRule(): Rule {
  const lateMax = new Map<string, number>();
  /** Timeouts the receiver itself reported (Expired/Defaulted) before the sender resumed. */
  const noticed = new Map<string, Noticed>();
  return {
    onLacp(ctx, p, pdu, t, dup) {
      const th = ctx.th;
      // A receiver reporting Expired/Defaulted proves its sender fell silent while the capture ran.
      if (pdu.actor.state & (BIT.expired | BIT.defaulted) && p.lastPeerId !== null) {
        const s = ctx.ports.get(p.lastPeerId);
        if (s && s.successor === null && s.lastT < t && isCurrent(s.last)) {
          const silent = t - s.lastT;
          const key = `PDU_TIMEOUT|${s.id}|${s.last.time}`;
          if (!ctx.log.records.has(key) && silent > th.lateFactor * periodSec(th, isFast(s.last.partner.state))) {
            const { to } = receiverTimeout(ctx, s, isFast(s.last.partner.state));
            const rec = ctx.log.open(
              key,
              { code: 'PDU_TIMEOUT', severity: 'error', port: s.id, link: linkId(s.id, p.id), message: timeoutMessage(s, p, to, false, noticed) },
              evidence(s.last, s.lastT),
            );
            ctx.log.extend(rec, evidence(pdu, t));
            noticed.set(key, { what: pdu.actor.state & BIT.defaulted ? 'Defaulted' : 'Expired', after: silent });
          }
        }
      }
      const before = p.prev;
      if (dup || before === null || !listened(ctx, p, before, p.prevT)) return;
      const g = t - p.prevT;
      const fast = requestedFast(before, pdu);
      const { to, r } = receiverTimeout(ctx, p, fast);
      const period = periodSec(th, fast);
      if (g >= to) {
        const key = `PDU_TIMEOUT|${p.id}|${before.time}`;
        const rec = ctx.log.open(
          key,
          { code: 'PDU_TIMEOUT', severity: 'error', port: p.id, link: r ? linkId(p.id, r.id) : null, message: timeoutMessage(p, r, to, true, noticed) },
          evidence(before, p.prevT),
        );
        rec.message = timeoutMessage(p, r, to, true, noticed);
        ctx.log.extend(rec, evidence(pdu, t));
      } else if (g > th.lateFactor * period) {
        const rec = ctx.log.episode(
          p.id,
          {
            code: 'LATE_PDU',
            severity: 'warning',
            port: p.id,
            link: r ? linkId(p.id, r.id) : null,
            message: (rec) =>
              `${describe(p)} sent LACPDUs late: gaps up to ${secs(lateMax.get(rec.key) ?? 0)} where its partner` +
              `${r ? ` ${describe(r)}` : ''} asked for one every ${period} s (late above ${th.lateFactor * period} s, timeout at ${to} s); ` +
              'check the sender for control-plane load or LACPDU loss on the way.',
          },
          evidence(before, p.prevT),
          th.episodeMergeSec,
        );
        ctx.log.extend(rec, evidence(pdu, t));
        lateMax.set(rec.key, Math.max(lateMax.get(rec.key) ?? 0, g));
      }
    },
    open(ctx, out) {
      for (const s of ctx.ports.values()) {
        // A port that was replaced by a new system id fell silent for that reason (SYSTEM_CHANGED).
        if (s.successor !== null || !listened(ctx, s, s.last, s.lastT)) continue;
        const fast = requestedFast(s.last, null);
        const { to, r } = receiverTimeout(ctx, s, fast);
        const now = nowFor(ctx, s);
        if (now.t - s.lastT < to) continue;
        const key = `PDU_TIMEOUT|${s.id}|${s.last.time}`;
        const base =
          ctx.log.records.get(key) ??
          newRecord(
            key,
            { code: 'PDU_TIMEOUT', severity: 'error', port: s.id, link: r ? linkId(s.id, r.id) : null, message: timeoutMessage(s, r, to, false, noticed) },
            evidence(s.last, s.lastT),
          );
        out.push(extendedCopy(base, { ...now, frame: null }, ctx.th.maxEvidenceFrames));
      }
    },
  };
}

/** Current and naming a partner: someone is there to obey. */
function engaged(x: LacpPdu): boolean {
  return isCurrent(x) && namesPartner(x.actor, x.partner);
}

interface RateRun {
  gaps: number;
  slow: number;
  echo: number;
}

/** F4: a sender slower than its partner asked, or recording the slow rate while the partner asks for fast. */
export function rateIgnoredRule(): Rule {
  const runs = new Map<string, RateRun>();
  return {
    onLacp(ctx, p, pdu, t, dup) {
      if (dup) return;
      const th = ctx.th;
      let run = runs.get(p.id);
      if (!run) runs.set(p.id, (run = { gaps: 0, slow: 0, echo: 0 }));
      const before = p.prev;
      // A defaulted or expired port has no partner to obey (and falls back to slow once defaulted).
      if (before && engaged(before) && engaged(pdu) && isFast(before.partner.state) && isFast(pdu.partner.state)) {
        run.gaps++;
        if (t - p.prevT > th.rateIgnoredFactor * th.fastPeriodSec) run.slow++;
        if (run.gaps >= th.rateIgnoredMinGaps && run.slow * 2 > run.gaps) {
          const rec = ctx.log.episode(
            p.id,
            {
              code: 'RATE_IGNORED',
              severity: 'error',
              port: p.id,
              message: () =>
                `${describe(p)} sends LACPDUs every ${secs(p.intervals.median() ?? 0)} (median) although its partner asked for the fast rate ` +
                `(one per ${th.fastPeriodSec} s, Timeout bit set) and times the link out after ${th.shortTimeoutSec} s; ` +
                'check the sender\'s support for and configuration of the fast rate (e.g. lacp_rate, "lacp rate fast").',
            },
            evidence(before, p.prevT),
            th.episodeMergeSec,
          );
          ctx.log.extend(rec, evidence(pdu, t));
        }
      } else {
        run.gaps = 0;
        run.slow = 0;
      }
      const r = p.peerId === null ? undefined : ctx.ports.get(p.peerId);
      if (r && engaged(pdu) && isFast(r.last.actor.state) && !isFast(pdu.partner.state)) {
        run.echo++;
        if (run.echo >= th.rateEchoMinPdus) {
          ctx.log.episode(
            `${p.id}|echo`,
            {
              code: 'RATE_IGNORED',
              severity: 'error',
              port: p.id,
              link: linkId(p.id, r.id),
              message: () =>
                `${describe(p)} records the slow rate for its partner ${describe(r)}, which asks for the fast rate in its own LACPDUs, ` +
                `so it sends too rarely and the partner times it out after ${th.shortTimeoutSec} s; check the sender's LACP implementation (it ignores the partner's Timeout bit).`,
            },
            evidence(pdu, t),
            th.episodeMergeSec,
          );
        }
      } else run.echo = 0;
    },
  };
}

/** F17: more than 3 LACPDUs from one port within one second (capture duplicates ignored). */
export function txRateRule(): Rule {
  const recent = new Map<string, number[]>();
  return {
    onLacp(ctx, p, pdu, t, dup) {
      if (dup) return;
      const th = ctx.th;
      let times = recent.get(p.id);
      if (!times) recent.set(p.id, (times = []));
      times.push(t);
      if (times.length > th.txRateMaxPdus + 1) times.shift();
      if (times.length <= th.txRateMaxPdus || t - times[0] >= th.txRateWindowSec) return;
      const span = t - times[0];
      const unlimited = p.stack === 'openvswitch' || p.stack === 'teamd';
      ctx.log.episode(
        p.id,
        {
          code: 'TX_RATE_EXCEEDED',
          severity: unlimited ? 'info' : 'warning',
          port: p.id,
          message: (rec) =>
            `${describe(p)} sent more than ${th.txRateMaxPdus} LACPDUs within ${th.txRateWindowSec} s (${th.txRateMaxPdus + 1} in ${secs(span)}, ${rec.count} PDUs in bursts)` +
            (unlimited
              ? '; this implementation does not rate-limit, so it is harmless unless it repeats: look for a partner state that keeps changing.'
              : ', above the 802.1AX limit; look for a state that keeps changing (a flapping partner) or a broken transmit timer.'),
        },
        evidence(pdu, t),
        th.episodeMergeSec,
      );
    },
  };
}

/** F24: the two ends of a link ask for different rates (legal; informational). */
export function asymmetricRateRule(): Rule {
  return {
    onLacp(ctx, p, pdu, t, dup) {
      if (dup || p.peerId === null || !isCurrent(pdu)) return;
      const q = ctx.ports.get(p.peerId);
      if (!q || q.peerId !== p.id || !isCurrent(q.last)) return;
      if (isFast(pdu.actor.state) === isFast(q.last.actor.state)) return;
      const link = linkId(p.id, q.id);
      const [fastSide, slowSide] = isFast(pdu.actor.state) ? [p, q] : [q, p];
      const rec = ctx.log.open(
        `ASYMMETRIC_RATE|${link}`,
        {
          code: 'ASYMMETRIC_RATE',
          severity: 'info',
          port: null,
          link,
          message: () =>
            `The two ends of link ${link} ask for different rates: ${describe(fastSide)} fast (1 s) and ${describe(slowSide)} slow (30 s); ` +
            'legal as long as each sender keeps the rate the other asked for, but failures are detected sooner on the fast side; align the LACP rate on both ends if that matters.',
        },
        evidence(q.last, q.lastT),
      );
      ctx.log.extend(rec, evidence(pdu, t));
    },
  };
}
