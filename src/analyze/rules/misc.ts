/**
 * Per-port and per-input rules: F11 INDIVIDUAL, F15 FLAPPING, F16 NO_LACPDUS, F18 LOOPBACK,
 * F20 MULTIPLE_PARTNERS, F21 MALFORMED, F22 MARKER_UNANSWERED, TRUNCATED_CAPTURE.
 */
import type { LacpPdu, MarkerPdu, SlowPdu } from '../../decode/pdu.js';
import { BIT, BUNDLED_BITS, NULL_SYSTEM, isFast } from '../bits.js';
import { type Ctx, type PortState, type Rule, describe, describeId, evidence, isCurrent, secs, timeoutSec } from '../context.js';
import { type FindingRecord, newRecord } from '../findings.js';

/** F11: the port declares itself Individual. */
export function individualRule(): Rule {
  const episodes = new Map<string, { rec: FindingRecord; pdus: number; afterAggregatable: boolean }>();
  const msg = (ctx: Ctx, p: PortState) => (r: FindingRecord) => {
    const why = benign(ctx, p);
    return (
      `${describe(p)} declares itself Individual (Aggregation bit clear), so it cannot join a bundle` +
      (why ?? '; check that the port is configured as a LAG member (full duplex, LACP channel-group/bond member, not individual).') +
      (r.count > 1 ? ` (${r.count} LACPDUs over ${secs(r.end - r.start)})` : '')
    );
  };
  /** Known harmless cases: single-member Open vSwitch bonds, and Linux's last PDU when a member leaves the bond. */
  const benign = (ctx: Ctx, p: PortState): string | null => {
    const e = episodes.get(p.id);
    if (p.stack === 'openvswitch' && (ctx.bySystem.get(p.system) ?? []).filter((m) => m.key === p.key).length === 1) {
      return ': Open vSwitch does this for a bond with a single member, which is expected.';
    }
    if (e && e.pdus === 1 && e.afterAggregatable && p.last.frame === e.rec.frames[0] && (p.last.actor.state & (BIT.aggregation | BUNDLED_BITS)) === 0) {
      return ': it was its last LACPDU, as Linux sends when a member is removed from the bond.';
    }
    return null;
  };
  return {
    onLacp(ctx, p, pdu, t, dup) {
      if (dup) return;
      if (pdu.actor.state & BIT.aggregation) {
        episodes.delete(p.id);
        return;
      }
      const e = episodes.get(p.id);
      if (e) {
        e.pdus++;
        ctx.log.extend(e.rec, evidence(pdu, t));
        return;
      }
      const rec = ctx.log.open(`INDIVIDUAL|${p.id}|${pdu.time}`, { code: 'INDIVIDUAL', severity: 'warning', port: p.id, message: msg(ctx, p) }, evidence(pdu, t));
      episodes.set(p.id, { rec, pdus: 1, afterAggregatable: p.prev !== null && (p.prev.actor.state & BIT.aggregation) !== 0 });
    },
    open(ctx, out) {
      for (const r of ctx.log.records.values()) {
        if (r.code !== 'INDIVIDUAL' || r.port === null) continue;
        const p = ctx.ports.get(r.port)!;
        if (benign(ctx, p) !== null) out.push({ ...r, severity: 'info' });
      }
    },
  };
}

/** F15: Synchronization or Distributing dropped repeatedly, or repeated Expired episodes. */
export function flappingRule(): Rule {
  const drops = new Map<string, number[]>();
  const expiries = new Map<string, number[]>();
  /** Count of events in the window, remembering no more than `enough` of them. */
  const note = (m: Map<string, number[]>, id: string, t: number, window: number, enough: number): number => {
    let a = m.get(id);
    if (!a) m.set(id, (a = []));
    a.push(t);
    while (a.length && (t - a[0] > window || a.length > enough)) a.shift();
    return a.length;
  };
  return {
    onLacp(ctx, p, pdu, t, dup) {
      const prev = p.prev;
      if (dup || !prev) return;
      const th = ctx.th;
      const was = prev.actor.state;
      const is = pdu.actor.state;
      let hit = false;
      // Drops while already expired or defaulted are the consequence of one loss, not new flaps.
      const lost = BIT.synchronization | BIT.distributing;
      if (isCurrent(prev) && (was & lost & ~is) !== 0) hit = note(drops, p.id, t, th.flapWindowSec, th.flapDrops) >= th.flapDrops;
      if (is & BIT.expired && !(is & BIT.defaulted) && !(was & BIT.expired)) {
        hit = note(expiries, p.id, t, th.flapExpiredWindowSec, th.flapExpiredEpisodes) >= th.flapExpiredEpisodes || hit;
      }
      if (!hit) return;
      ctx.log.episode(
        p.id,
        {
          code: 'FLAPPING',
          severity: 'error',
          port: p.id,
          message: (r) =>
            `${describe(p)} keeps losing its bundle: Synchronization/Distributing dropped or the partner expired repeatedly ` +
            `(${r.count} times over ${secs(r.end - r.start)} once flapping started); look for LACPDU loss or late PDUs, link errors, or a partner that restarts.`,
        },
        evidence(pdu, t),
        th.flapWindowSec,
      );
    },
  };
}

/** F18: the port's partner is its own system. */
export function loopbackRule(): Rule {
  return {
    onLacp(ctx, p, pdu, t, dup) {
      if (dup || pdu.partner.system === NULL_SYSTEM || pdu.partner.system !== pdu.actor.system) return;
      ctx.log.episode(
        p.id,
        {
          code: 'LOOPBACK',
          severity: 'error',
          port: p.id,
          message: () =>
            `${describe(p)} names its own system as partner (port ${pdu.partner.port}): the link loops back into the same device or bond; check the cabling and any hub or media converter in between.`,
        },
        evidence(pdu, t),
        ctx.th.episodeMergeSec,
      );
    },
  };
}

/**
 * F20: more than one remote port answers on one link: several ports name the same port at once, or a
 * port's partner keeps alternating between remote ports.
 */
export function multiplePartnersRule(): Rule {
  /** Per port: the partners it named most recently (distinct in a row) with when. */
  const named = new Map<string, { id: string; t: number }[]>();
  const raise = (ctx: Ctx, target: string, ids: string[], pdu: LacpPdu, t: number) =>
    ctx.log.episode(
      target,
      {
        code: 'MULTIPLE_PARTNERS',
        severity: 'error',
        port: target,
        message: () =>
          `${ids.length} remote ports answer ${describeId(ctx, target)} at the same time (${ids.map((a) => describeId(ctx, a)).join('; ')}): ` +
          'more than one LACP partner on one link, e.g. an unmanaged switch, hub or mis-patched port in the path; check the physical path.',
      },
      evidence(pdu, t),
      ctx.th.episodeMergeSec,
    );
  const related = (ctx: Ctx, a: string, b: string) => ctx.ports.get(a)?.predecessor === b || ctx.ports.get(b)?.predecessor === a;
  return {
    onLacp(ctx, p, pdu, t, dup) {
      if (dup || p.peerId === null) return;
      const target = p.peerId;
      const tp = ctx.ports.get(target);
      const window = ctx.th.multiplePartnersTimeoutFactor * timeoutSec(ctx.th, tp ? isFast(tp.last.actor.state) : isFast(pdu.partner.state));
      // The partner named by this port alternates: A, B, A within the window.
      let seq = named.get(p.id);
      if (!seq) named.set(p.id, (seq = []));
      if (seq.length === 0 || seq[seq.length - 1].id !== target) {
        seq.push({ id: target, t });
        if (seq.length > 3) seq.shift();
        if (seq.length === 3 && seq[0].id === target && t - seq[0].t <= window && !related(ctx, seq[0].id, seq[1].id)) {
          raise(ctx, p.id, [seq[0].id, seq[1].id], pdu, t);
        }
      }
      const namers = ctx.namersOf(target);
      if (namers.size < 2) return;
      const active: string[] = [];
      for (const [id, n] of namers) {
        if (t - n.last > window) continue;
        // A port that replaced another (system id change) is the same remote end, not a second partner.
        if (active.some((a) => related(ctx, a, id))) continue;
        active.push(id);
      }
      if (active.length >= 2) raise(ctx, target, active, pdu, t);
    },
  };
}

/** F21: problems the decoder found, one finding per input, interface and problem code. */
export function malformedRule(): Rule {
  const check = (ctx: Ctx, pdu: SlowPdu, t: number, port: string | null) => {
    for (const pr of pdu.problems) {
      const sev = pr.severity;
      const problem = pr;
      ctx.log.episode(
        `${pdu.source}|${pdu.interface}|${pr.code}`,
        {
          code: 'MALFORMED',
          severity: sev,
          port,
          message: (r) =>
            `${r.count} Slow Protocols frame(s) from ${pdu.src ?? 'an unknown sender'} on ${pdu.interface} (${pdu.source}) ${sev === 'error' ? 'are malformed' : 'are non-standard'}: ${problem.message}` +
            (sev === 'error'
              ? '; Linux, Open vSwitch and teamd drop such LACPDUs, so check the sender\'s software or anything rewriting frames on the way.'
              : '; receivers accept it, so this is informational.'),
        },
        evidence(pdu, t),
        Infinity,
      );
    }
  };
  return {
    onLacp(ctx, p, pdu, t) {
      if (pdu.problems.length) check(ctx, pdu, t, p.id);
    },
    onOther(ctx, pdu, t) {
      if (pdu.problems.length) check(ctx, pdu, t, null);
    },
  };
}

/** F22: a Marker with no Marker Response carrying the same requester and transaction. */
export function markerRule(): Rule {
  const pending = new Map<string, { pdu: MarkerPdu; t: number }>();
  const init = (m: MarkerPdu) => ({
    code: 'MARKER_UNANSWERED' as const,
    severity: 'info' as const,
    port: `${m.requesterSystem}/${m.requesterPort}`,
    message: (r: FindingRecord) =>
      `${r.count} Marker PDU(s) from port ${m.requesterPort} of system ${m.requesterSystem} on ${m.interface} got no Marker Response within ` +
      'the expected time; the partner may not implement the Marker protocol, which matters only if the sender waits for it before moving conversations.',
  });
  return {
    onOther(ctx, pdu, t) {
      if (pdu.subtype !== 'marker' && pdu.subtype !== 'marker-response') return;
      const key = `${pdu.requesterSystem}/${pdu.requesterPort}/${pdu.requesterTransactionId}`;
      if (pdu.subtype === 'marker') {
        pending.set(key, { pdu, t });
        if (pending.size > ctx.th.maxPendingMarkers) pending.delete(pending.keys().next().value!);
        return;
      }
      const m = pending.get(key);
      if (!m) return;
      pending.delete(key);
      if (t - m.t > ctx.th.markerResponseSec) {
        const r = ctx.log.episode(key.slice(0, key.lastIndexOf('/')), init(m.pdu), evidence(m.pdu, m.t), ctx.th.episodeMergeSec);
        ctx.log.extend(r, evidence(pdu, t));
      }
    },
    open(ctx, out) {
      for (const m of pending.values()) {
        const clock = ctx.ifaceClock.get(m.pdu.interface);
        const now = Math.max(clock?.t ?? m.t, ctx.tick?.t ?? m.t);
        if (now - m.t <= ctx.th.markerResponseSec) continue;
        out.push(newRecord(`MARKER|${m.pdu.time}|${m.pdu.requesterSystem}/${m.pdu.requesterPort}`, init(m.pdu), evidence(m.pdu, m.t)));
      }
    },
  };
}

/** F16 and TRUNCATED_CAPTURE: conditions of whole inputs and interfaces. */
export function inputRule(): Rule {
  return {
    open(ctx, out, final) {
      const zero = { t: 0, time: '0.000000000', frame: null };
      for (const s of ctx.sources.values()) {
        const at = s.last ?? zero;
        const st = s.stats;
        if (st?.truncated) {
          out.push(
            newRecord(
              `TRUNCATED|${s.name}`,
              {
                code: 'TRUNCATED_CAPTURE',
                severity: 'warning',
                port: null,
                message: () =>
                  `${s.name} ends mid-record at byte ${st.truncated!.offset} (${st.truncated!.message}): every complete frame before the cut was used, ` +
                  'but silence at its end proves nothing; copy or capture the file again if the end matters.',
              },
              { ...at, frame: null, source: s.name },
            ),
          );
        }
        if (st && st.snapCut > 0) {
          out.push(
            newRecord(
              `SNAPCUT|${s.name}`,
              {
                code: 'TRUNCATED_CAPTURE',
                severity: 'warning',
                port: null,
                message: () =>
                  `${st.snapCut} Slow Protocols frame(s) in ${s.name} were cut by the capture's snapshot length and decoded only as far as their bytes go; capture with -s 0 (or at least 128 bytes).`,
              },
              { ...(s.first ?? zero), frame: null, source: s.name },
            ),
          );
        }
        if (final && s.lacpdus === 0) {
          out.push(
            newRecord(
              `NO_LACPDUS|${s.name}`,
              {
                code: 'NO_LACPDUS',
                severity: 'warning',
                port: null,
                message: () =>
                  `${s.name} holds ${st ? st.frames : s.slow} frame(s) and no LACPDU: both ends passive, LACP off (static or no bond), or the capture missed them; ` +
                  'check that at least one end runs LACP in active mode and that the capture filter keeps EtherType 0x8809.',
              },
              { ...(s.first ?? zero), frame: null, source: s.name },
            ),
          );
        }
      }
      if (final && ctx.sources.size === 0 && ctx.ports.size === 0) {
        out.push(
          newRecord(
            'NO_LACPDUS|',
            {
              code: 'NO_LACPDUS',
              severity: 'warning',
              port: null,
              message: () => 'No LACPDU in the input: both ends passive, LACP off, or not captured; check the bond/port-channel mode and the capture filter.',
            },
            zero,
          ),
        );
      }
      passiveOnly(ctx, out);
    },
  };
}

/** F16, second form: only passive ports speak on an interface and then it falls silent. */
function passiveOnly(ctx: Ctx, out: FindingRecord[]): void {
  for (const [iface, ports] of ctx.ifacePorts) {
    if (ports.some((p) => p.last.actor.state & BIT.activity)) continue;
    const clock = ctx.ifaceClock.get(iface);
    const lastT = Math.max(...ports.map((p) => p.lastT));
    const now = Math.max(clock?.t ?? lastT, ctx.tick?.t ?? lastT);
    if (now - lastT < ctx.th.noLacpdusSilenceSec) continue;
    const first: LacpPdu = ports[0].last;
    out.push(
      newRecord(
        `PASSIVE|${iface}`,
        {
          code: 'NO_LACPDUS',
          severity: 'warning',
          port: ports[0].id,
          message: () =>
            `Only passive LACP ports (${ports.map((p) => describe(p)).join('; ')}) spoke on ${iface}, then it fell silent: two passive ends never negotiate; set one end to active.`,
        },
        evidence(first, ports[0].lastT),
      ),
    );
  }
}
