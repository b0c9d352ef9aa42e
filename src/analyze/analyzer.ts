/**
 * The incremental analyzer: PDUs in (time order), per-port timelines, links, aggregations and
 * findings out. Memory grows with ports and state changes, never with frames.
 */
import type { SourceStats } from '../capture/frame.js';
import type { LacpPdu, PortInfo, SlowPdu } from '../decode/pdu.js';
import type { AggregationReport, AnalysisReport, Analyzer, AnalyzerEvent, LinkReport, PortReport, SourceSummary } from './model.js';
import { BIT, BIT_NAMES, BUNDLED_BITS, NULL_SYSTEM, isBundledState, linkId, muxStateOf, namedPartner, portId, rxStateOf } from './bits.js';
import { type Ctx, type Namer, type PortState, type Rule, type SourceAcc, describe, evidence, isCurrent } from './context.js';
import { FindingLog, type FindingRecord, compareRecords, toFinding } from './findings.js';
import { fingerprint } from './fingerprint.js';
import { IntervalStats } from './intervals.js';
import { type AnalyzerOptions, resolveThresholds } from './thresholds.js';
import { defaultedRule, expiredRule, noPartnerRule, oneWayRule, zeroStateRule } from './rules/partner.js';
import { asymmetricRateRule, gapRule, rateIgnoredRule, txRateRule } from './rules/timing.js';
import { echoMismatchRule } from './rules/echo.js';
import { aggregationRule, stallRule } from './rules/lag.js';
import { flappingRule, individualRule, inputRule, loopbackRule, malformedRule, markerRule, multiplePartnersRule } from './rules/misc.js';

export { DEFAULT_THRESHOLDS, type AnalyzerOptions, type Thresholds } from './thresholds.js';

const NO_CHANGES: string[] = [];
const NO_EVENTS: AnalyzerEvent[] = [];

function infoChanges(side: string, x: PortInfo, y: PortInfo, out: string[]): void {
  const d = x.state ^ y.state;
  if (d) for (const name of BIT_NAMES) if (d & BIT[name]) out.push(`${side}.${name}`);
  if (x.system !== y.system) out.push(`${side}.system`);
  if (x.port !== y.port) out.push(`${side}.port`);
  if (x.key !== y.key) out.push(`${side}.key`);
  if (x.systemPriority !== y.systemPriority) out.push(`${side}.systemPriority`);
  if (x.portPriority !== y.portPriority) out.push(`${side}.portPriority`);
}

function sameInfo(x: PortInfo, y: PortInfo): boolean {
  return x.state === y.state && x.system === y.system && x.port === y.port && x.key === y.key && x.systemPriority === y.systemPriority && x.portPriority === y.portPriority;
}

/** What changed between two PDUs of one port (empty, without allocating, in the steady state). */
export function changesBetween(a: LacpPdu, b: LacpPdu): string[] {
  if (sameInfo(a.actor, b.actor) && sameInfo(a.partner, b.partner)) return NO_CHANGES;
  const out: string[] = [];
  infoChanges('actor', a.actor, b.actor, out);
  infoChanges('partner', a.partner, b.partner, out);
  return out;
}

/** Whether two PDUs of a port name the same partner port (or both none): what namedPartner reads. */
function sameNaming(x: LacpPdu, y: LacpPdu): boolean {
  return x.partner.system === y.partner.system && x.partner.port === y.partner.port && ((x.actor.state ^ y.actor.state) & BIT.defaulted) === 0;
}

function bundled(ctx: Ctx, p: PortState): boolean {
  if (!isBundledState(p.last.actor.state) || p.peerId === null) return false;
  const q = ctx.ports.get(p.peerId);
  if (!q) return (p.last.partner.state & BUNDLED_BITS) === BUNDLED_BITS;
  return q.peerId === p.id && isBundledState(q.last.actor.state);
}

export function createAnalyzer(options?: AnalyzerOptions): Analyzer {
  const th = resolveThresholds(options);
  const namers = new Map<string, Map<string, Namer>>();
  const ctx: Ctx = {
    th,
    ports: new Map(),
    log: new FindingLog(th.maxEvidenceFrames),
    ifaceClock: new Map(),
    tick: null,
    ifacePorts: new Map(),
    bySystem: new Map(),
    sources: new Map(),
    systemAlias: new Map(),
    namersOf(id) {
      let m = namers.get(id);
      if (!m) namers.set(id, (m = new Map()));
      return m;
    },
  };
  const rules: Rule[] = [
    malformedRule(),
    noPartnerRule(),
    oneWayRule(),
    expiredRule(),
    defaultedRule(),
    gapRule(),
    rateIgnoredRule(),
    echoMismatchRule(),
    aggregationRule(),
    individualRule(),
    stallRule(),
    flappingRule(),
    txRateRule(),
    loopbackRule(),
    multiplePartnersRule(),
    markerRule(),
    zeroStateRule(),
    asymmetricRateRule(),
    inputRule(),
  ];
  /** Ports by actor system and port number: a PDU's port is found without building its id. */
  const portIndex = new Map<string, Map<number, PortState>>();
  /** interface|source MAC|port number -> port id, to see a system id change on the same wire. */
  const identities = new Map<string, string>();
  const links = new Map<string, [string, string]>();
  const announced = new Set<string>();
  let latest = 0;

  function sourceAcc(name: string): SourceAcc {
    let s = ctx.sources.get(name);
    if (!s) ctx.sources.set(name, (s = { name, stats: null, slow: 0, lacpdus: 0, malformed: 0, first: null, last: null }));
    return s;
  }

  function addTo<K>(m: Map<K, PortState[]>, k: K, p: PortState): void {
    const a = m.get(k);
    if (!a) m.set(k, [p]);
    else if (!a.includes(p)) a.push(p);
  }

  function seenOn(p: PortState, pdu: LacpPdu, id: string): void {
    if (p.interfaces.includes(pdu.interface)) return;
    p.interfaces.push(pdu.interface);
    addTo(ctx.ifacePorts, pdu.interface, p);
    const ident = `${pdu.interface}|${pdu.src ?? ''}|${pdu.actor.port}`;
    const oldId = identities.get(ident);
    identities.set(ident, id);
    const old = oldId === undefined || oldId === id ? undefined : ctx.ports.get(oldId);
    // The two ends of one link may share a port number: only a port that does not talk to the new one is replaced.
    if (!old || old.system === p.system || old.peerId?.startsWith(`${p.system}/`) || pdu.partner.system === old.system) return;
    p.predecessor = old.id;
    old.successor = p.id;
    if (!ctx.systemAlias.has(p.system)) ctx.systemAlias.set(p.system, old.system);
    const rec = ctx.log.open(
      `SYSTEM_CHANGED|${id}`,
      {
        code: 'SYSTEM_CHANGED',
        severity: 'warning',
        port: id,
        message: () =>
          `${describe(p)} replaced ${describe(old)}: the system id on ${pdu.interface} changed from ${old.system} to ${p.system} mid-capture ` +
          '(bond MAC change, reboot or MLAG peer change), which forces the partner to renegotiate; check what changed the system id (e.g. udev MACAddressPolicy, LACP system-id settings).',
      },
      evidence(old.last, old.lastT),
    );
    ctx.log.extend(rec, evidence(pdu, p.lastT));
  }

  function newPort(pdu: LacpPdu, t: number, id: string): PortState {
    const a = pdu.actor;
    const p: PortState = {
      id,
      system: a.system,
      systemPriority: a.systemPriority,
      port: a.port,
      key: a.key,
      src: pdu.src,
      interfaces: [],
      source: pdu.source,
      firstT: t,
      firstStr: pdu.time,
      pdus: 0,
      last: pdu,
      lastT: t,
      prev: null,
      prevT: t,
      distinctT: t,
      peerId: null,
      namers: ctx.namersOf(id),
      intervals: new IntervalStats(),
      timeline: [],
      timelineDropped: 0,
      stack: 'unknown',
      everPartnered: false,
      changed: true,
      linked: false,
      lastPeerId: null,
      predecessor: null,
      successor: null,
    };
    ctx.ports.set(id, p);
    let bySystem = portIndex.get(a.system);
    if (!bySystem) portIndex.set(a.system, (bySystem = new Map()));
    bySystem.set(a.port, p);
    addTo(ctx.bySystem, a.system, p);
    return p;
  }

  function handleLacp(pdu: LacpPdu, t: number): AnalyzerEvent[] {
    const a = pdu.actor;
    let p = portIndex.get(a.system)?.get(a.port);
    const isNew = p === undefined;
    if (!p) p = newPort(pdu, t, portId(a.system, a.port));
    const id = p.id;
    const prev = isNew ? null : p.last;
    const changes = prev === null ? NO_CHANGES : changesBetween(prev, pdu);
    const dup =
      prev !== null && changes.length === 0 && t - p.lastT <= th.duplicateWindowSec && prev.collectorMaxDelay === pdu.collectorMaxDelay;
    if (prev !== null && prev.actor.systemPriority !== a.systemPriority) {
      const from = prev.actor.systemPriority;
      const port = p;
      ctx.log.episode(
        id,
        {
          code: 'SYSTEM_CHANGED',
          severity: 'warning',
          port: id,
          message: () =>
            `${describe(port)} changed its system priority from ${from} to ${a.systemPriority} mid-capture, which forces the partner to renegotiate; check the LACP system-priority configuration.`,
        },
        evidence(pdu, t),
        th.episodeMergeSec,
      );
    }
    p.prev = prev;
    p.prevT = p.lastT;
    p.last = pdu;
    p.lastT = t;
    p.pdus++;
    p.systemPriority = a.systemPriority;
    p.key = a.key;
    if (!dup && prev !== null) p.intervals.add(t - p.distinctT);
    if (!dup) p.distinctT = t;
    seenOn(p, pdu, id);
    // The same partner fields name the same port: the id string is built only when they change.
    const peer = prev !== null && sameNaming(prev, pdu) ? p.peerId : namedPartner(a, pdu.partner);
    if (peer !== p.peerId) {
      if (p.peerId !== null) ctx.namersOf(p.peerId).delete(id);
      if (peer !== null) ctx.namersOf(peer).set(id, { since: t, last: t });
      p.peerId = peer;
    } else if (peer !== null) {
      ctx.namersOf(peer).get(id)!.last = t;
    }
    if (peer !== null && peer !== p.lastPeerId) {
      p.linked = false;
      p.lastPeerId = peer;
    }
    if (peer !== null && !p.linked) {
      const q = ctx.ports.get(peer);
      if (q && q.peerId === id) {
        p.linked = q.linked = true;
        const lid = linkId(id, peer);
        if (!links.has(lid)) links.set(lid, id < peer ? [id, peer] : [peer, id]);
      }
    }
    if (isNew || changes.length) {
      const stack = fingerprint(pdu);
      if (stack !== 'unknown' || isNew) p.stack = stack;
    }
    let events = NO_EVENTS;
    p.changed = isNew || changes.length > 0;
    if (p.changed) {
      if (p.timeline.length >= th.maxTimelineEntries) {
        // Keep the first entry (the starting state) and the most recent ones.
        p.timeline.splice(1, 1);
        p.timelineDropped++;
      }
      p.timeline.push({
        time: pdu.time,
        frame: pdu.frame,
        source: pdu.source,
        actor: a,
        partner: pdu.partner,
        rxState: rxStateOf(a.state),
        muxState: muxStateOf(a.state),
        changes,
      });
      events = [{ kind: 'port-changed', port: id, time: pdu.time }];
    }
    // Index loops here and in push: for-of allocates per step until the JIT has warmed up, and a
    // capture's few thousand LACPDUs are mostly analyzed before it has.
    for (let i = 0; i < rules.length; i++) rules[i].onLacp?.(ctx, p, pdu, t, dup);
    // Expired implies a partner was heard before, when the PDU still records one.
    if (peer !== null && (isCurrent(pdu) || (a.state & (BIT.expired | BIT.defaulted)) === BIT.expired)) p.everPartnered = true;
    return events;
  }

  function withFresh(events: AnalyzerEvent[]): AnalyzerEvent[] {
    const fresh = ctx.log.drainFresh();
    if (fresh.length === 0) return events;
    const out = events === NO_EVENTS ? [] : events;
    for (const r of fresh) {
      announced.add(r.key);
      out.push({ kind: 'finding', finding: toFinding(r) });
    }
    return out;
  }

  function openRecords(final: boolean): FindingRecord[] {
    const out: FindingRecord[] = [];
    for (const r of rules) r.open?.(ctx, out, final);
    return out;
  }

  function portReport(p: PortState): PortReport {
    const s = p.last.actor.state;
    const r: PortReport = {
      id: p.id,
      system: p.system,
      systemPriority: p.systemPriority,
      port: p.port,
      key: p.key,
      interfaces: [...p.interfaces],
      firstSeen: p.firstStr,
      lastSeen: p.last.time,
      pdus: p.pdus,
      peer: p.peerId,
      bundled: bundled(ctx, p),
      intervalMedian: p.intervals.median(),
      intervalMax: p.intervals.max,
      requestedRate: p.last.partner.state & BIT.timeout ? 'fast' : 'slow',
      rxState: rxStateOf(s),
      muxState: muxStateOf(s),
      stack: p.stack,
      timeline: p.timeline.slice(),
    };
    if (p.timelineDropped) r.timelineDropped = p.timelineDropped;
    if (p.predecessor !== null) r.replaces = p.predecessor;
    return r;
  }

  function sourceSummary(s: SourceAcc): SourceSummary {
    const st = s.stats;
    return {
      name: s.name,
      format: st?.format ?? null,
      gzip: st?.gzip ?? false,
      frames: st ? Math.max(st.frames, s.slow) : s.slow,
      slowFrames: st ? Math.max(st.slowFrames, s.slow) : s.slow,
      lacpdus: s.lacpdus,
      malformed: s.malformed,
      truncated: st?.truncated != null,
      truncatedAt: st?.truncated?.offset ?? null,
      snapCut: st?.snapCut ?? 0,
    };
  }

  function aggregations(ports: PortState[]): AggregationReport[] {
    const groups = new Map<string, PortState[]>();
    for (const p of ports) {
      const k = `${p.system}|${p.key}`;
      const g = groups.get(k);
      if (g) g.push(p);
      else groups.set(k, [p]);
    }
    const out: AggregationReport[] = [];
    for (const g of groups.values()) {
      const named = g.filter((p) => p.peerId !== null && p.last.partner.system !== NULL_SYSTEM);
      out.push({
        system: g[0].system,
        key: g[0].key,
        ports: g.map((p) => p.id),
        partnerSystems: [...new Set(named.map((p) => p.last.partner.system))].sort(),
        partnerKeys: [...new Set(named.map((p) => p.last.partner.key))].sort((x, y) => x - y),
      });
    }
    return out;
  }

  return {
    push(input: SlowPdu): AnalyzerEvent[] {
      const parsed = input.time === '' ? NaN : Number(input.time);
      const t = Number.isFinite(parsed) ? parsed : latest;
      // An unreadable time (never from the decoder) is taken as the latest one, so output times stay numbers.
      const pdu = Number.isFinite(parsed) ? input : { ...input, time: t.toFixed(9) };
      if (t > latest) latest = t;
      const s = sourceAcc(pdu.source);
      s.slow++;
      if (s.first === null) s.first = { t, time: pdu.time };
      if (s.last === null) s.last = { t, time: pdu.time };
      else if (t >= s.last.t) {
        s.last.t = t;
        s.last.time = pdu.time;
      }
      const c = ctx.ifaceClock.get(pdu.interface);
      if (!c) ctx.ifaceClock.set(pdu.interface, { t, time: pdu.time });
      else if (t >= c.t) {
        c.t = t;
        c.time = pdu.time;
      }
      if (pdu.problems.length && pdu.problems.some((pr) => pr.severity === 'error')) s.malformed++;
      if (pdu.subtype === 'lacp') {
        s.lacpdus++;
        return withFresh(handleLacp(pdu, t));
      }
      for (let i = 0; i < rules.length; i++) rules[i].onOther?.(ctx, pdu, t);
      return withFresh(NO_EVENTS);
    },

    setSourceStats(stats: SourceStats): void {
      sourceAcc(stats.name).stats = { ...stats, skipped: [...stats.skipped] };
    },

    tick(nowSec: number): AnalyzerEvent[] {
      if (!Number.isFinite(nowSec)) return NO_EVENTS;
      if (ctx.tick === null || nowSec > ctx.tick.t) ctx.tick = { t: nowSec, time: nowSec.toFixed(9) };
      const events: AnalyzerEvent[] = [];
      for (const r of openRecords(false)) {
        if (announced.has(r.key) || ctx.log.records.has(r.key)) continue;
        announced.add(r.key);
        events.push({ kind: 'finding', finding: toFinding(r) });
      }
      return events.length ? events : NO_EVENTS;
    },

    report(options?: { final?: boolean }): AnalysisReport {
      const final = options?.final === true;
      const byKey = new Map(ctx.log.records);
      for (const r of openRecords(final)) byKey.set(r.key, r);
      const ports = [...ctx.ports.values()].sort((a, b) => a.firstT - b.firstT || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
      const linkReports: LinkReport[] = [...links.values()].sort((x, y) => (x[0] + x[1] < y[0] + y[1] ? -1 : 1)).map(([x, y]) => {
        const a = ctx.ports.get(x)!;
        const b = ctx.ports.get(y)!;
        const interfaces = [...new Set([...a.interfaces, ...b.interfaces])];
        return { ports: [x, y], interface: interfaces[0], interfaces, bundled: bundled(ctx, a) && bundled(ctx, b) };
      });
      return {
        sources: [...ctx.sources.values()].map(sourceSummary),
        ports: ports.map(portReport),
        links: linkReports,
        aggregations: aggregations(ports),
        findings: [...byKey.values()].sort(compareRecords).map(toFinding),
      };
    },
  };
}
