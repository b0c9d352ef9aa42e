/**
 * Small hand-built inputs for the TUI tests: DecodedFrames (bytes from the encoder, the PDU
 * object written out here), an AnalysisReport matching them, and snapshots built from both.
 *
 * Scenario: system A (02:aa:00:00:00:01, key 17) and B (02:bb:00:00:00:02, key 33), fast rate,
 * two links A/1<->B/5 (healthy all along) and A/2<->B/6. B/6 falls silent after t=10 s;
 * A/2 then reports Expired at t=13 s (one PDU a second from every live port, t0 = 1700000000).
 */
import type { AnalysisReport, Finding, PortReport, TimelineEntry } from '../../src/analyze/model.js';
import { buildEthernetFrame, encodeLacpPayload } from '../../src/decode/encode.js';
import type { DecodedFrame, LacpPdu, PortInfo, StateFlag } from '../../src/decode/pdu.js';
import { actorPort, FrameStore, PduIndex } from '../../src/tui/frames.js';
import type { Snapshot } from '../../src/tui/store.js';

const FLAGS: StateFlag[] = ['activity', 'timeout', 'aggregation', 'synchronization', 'collecting', 'distributing', 'defaulted', 'expired'];

export const T0 = 1_700_000_000;
export const SYS_A = '02:aa:00:00:00:01';
export const SYS_B = '02:bb:00:00:00:02';
export const UP = 0x3f; // active, fast, aggregatable, in sync, collecting, distributing
export const EXPIRED = 0x87; // active, fast, aggregatable, expired

export function info(system: string, port: number, key: number, state: number): PortInfo {
  return { systemPriority: 32768, system, key, portPriority: 32768, port, state, flags: FLAGS.filter((_, i) => state & (1 << i)) };
}

/** Exact decimal seconds `sec` after T0 (milliseconds resolution is all the tests use). */
export function time(sec: number): string {
  const ms = Math.round(sec * 1000);
  return `${T0 + Math.floor(ms / 1000)}.${String(ms % 1000).padStart(3, '0')}000000`;
}

let nextFrame = 1;

export function lacpFrame(o: { t: number; actor: PortInfo; partner: PortInfo; source?: string; iface?: string; frame?: number }): DecodedFrame {
  const payload = encodeLacpPayload({ actor: o.actor, partner: o.partner });
  const src = o.actor.system.replace(/..$/, (b) => (parseInt(b, 16) + o.actor.port).toString(16).padStart(2, '0'));
  const bytes = buildEthernetFrame({ src, payload });
  const pdu: LacpPdu = {
    source: o.source ?? 'cap.pcap',
    interface: o.iface ?? 'eth0',
    frame: o.frame ?? nextFrame++,
    time: time(o.t),
    direction: null,
    src,
    dst: '01:80:c2:00:00:02',
    vlans: [],
    problems: [],
    subtype: 'lacp',
    version: 1,
    actor: o.actor,
    partner: o.partner,
    collectorMaxDelay: 0,
    tlvs: [],
  };
  return { pdu, bytes, payloadOffset: 14, rebuilt: false };
}

/** Every frame of the scenario, in time order, numbered from 1. */
export function scenarioFrames(): DecodedFrame[] {
  nextFrame = 1;
  const a1 = info(SYS_A, 1, 17, UP), b5 = info(SYS_B, 5, 33, UP);
  const a2 = info(SYS_A, 2, 17, UP), b6 = info(SYS_B, 6, 33, UP);
  const out: DecodedFrame[] = [];
  for (let t = 0; t <= 20; t++) {
    out.push(lacpFrame({ t, actor: a1, partner: b5 }));
    out.push(lacpFrame({ t: t + 0.1, actor: b5, partner: a1 }));
    out.push(lacpFrame({ t: t + 0.2, actor: t < 13 ? a2 : info(SYS_A, 2, 17, EXPIRED), partner: t < 13 ? b6 : info(SYS_B, 6, 33, 0x07) }));
    if (t <= 10) out.push(lacpFrame({ t: t + 0.3, actor: b6, partner: a2 }));
  }
  return out;
}

function entry(d: DecodedFrame, changes: string[]): TimelineEntry {
  const p = d.pdu as LacpPdu;
  const expired = (p.actor.state & 0x80) !== 0;
  return {
    time: p.time,
    frame: p.frame,
    source: p.source,
    actor: p.actor,
    partner: p.partner,
    rxState: expired ? 'expired' : 'current',
    muxState: expired ? 'attached' : 'collecting-distributing',
    changes,
  };
}

/** What the analyzer reports for `scenarioFrames()` (written out by hand). */
export function scenarioReport(frames: DecodedFrame[] = scenarioFrames()): AnalysisReport {
  const byPort = new Map<string, DecodedFrame[]>();
  for (const d of frames) {
    const id = actorPort(d.pdu as LacpPdu);
    byPort.set(id, [...(byPort.get(id) ?? []), d]);
  }
  const port = (id: string, peer: string, bundled: boolean): PortReport => {
    const list = byPort.get(id)!;
    const first = list[0].pdu as LacpPdu;
    const timeline = [entry(list[0], [])];
    for (const d of list.slice(1)) {
      const prev = timeline[timeline.length - 1];
      const p = d.pdu as LacpPdu;
      if (p.actor.state !== prev.actor.state || p.partner.state !== prev.partner.state) timeline.push(entry(d, ['actor.state']));
    }
    const last = timeline[timeline.length - 1];
    return {
      id,
      system: first.actor.system,
      systemPriority: 32768,
      port: first.actor.port,
      key: first.actor.key,
      interfaces: ['eth0'],
      firstSeen: list[0].pdu.time,
      lastSeen: list[list.length - 1].pdu.time,
      pdus: list.length,
      peer,
      bundled,
      intervalMedian: 1,
      intervalMax: 1,
      requestedRate: 'fast',
      rxState: last.rxState,
      muxState: last.muxState,
      stack: 'unknown',
      timeline,
    };
  };
  const A1 = `${SYS_A}/1`, A2 = `${SYS_A}/2`, B5 = `${SYS_B}/5`, B6 = `${SYS_B}/6`;
  const silentFrame = byPort.get(B6)!.at(-1)!.pdu.frame;
  const expiredFrame = byPort.get(A2)!.find((d) => ((d.pdu as LacpPdu).actor.state & 0x80) !== 0)!.pdu.frame;
  const findings: Finding[] = [
    {
      code: 'LATE_PDU', severity: 'warning', port: B6, link: `${A2} <-> ${B6}`, time: time(10.3), until: time(11.8),
      frames: [silentFrame], message: 'No LACPDU from B/6 for 1.5 s although its partner asked for one every second.', source: 'cap.pcap',
    },
    {
      code: 'PDU_TIMEOUT', severity: 'error', port: B6, link: `${A2} <-> ${B6}`, time: time(11.8), until: time(20.2),
      frames: [silentFrame], message: 'B/6 fell silent: its partner expired it after 3 s; check the far end of this link.', source: 'cap.pcap',
    },
    {
      code: 'EXPIRED', severity: 'warning', port: A2, link: null, time: time(13.2), until: time(20.2),
      frames: [expiredFrame], message: 'A/2 reports Expired: it stopped hearing its partner.', source: 'cap.pcap',
    },
  ];
  return {
    sources: [{ name: 'cap.pcap', format: 'pcap', gzip: false, frames: frames.length + 40, slowFrames: frames.length, lacpdus: frames.length, malformed: 0, truncated: false, truncatedAt: null, snapCut: 0 }],
    ports: [port(A1, B5, true), port(A2, B6, false), port(B5, A1, true), port(B6, A2, false)],
    links: [
      { ports: [A1, B5], interface: 'eth0', interfaces: ['eth0'], bundled: true },
      { ports: [A2, B6], interface: 'eth0', interfaces: ['eth0'], bundled: false },
    ],
    aggregations: [
      { system: SYS_A, key: 17, ports: [A1, A2], partnerSystems: [SYS_B], partnerKeys: [33] },
      { system: SYS_B, key: 33, ports: [B5, B6], partnerSystems: [SYS_A], partnerKeys: [17] },
    ],
    findings,
  };
}

/** A snapshot holding `frames` (all kept) and `report`, as the store would publish it. */
export function snapshotOf(frames: DecodedFrame[], report: AnalysisReport | null, over: Partial<Snapshot> = {}): Snapshot {
  const store = new FrameStore(100_000, 100_000);
  const pdus = new PduIndex();
  for (const d of frames) {
    store.add(d, false);
    if (d.pdu.subtype === 'lacp') pdus.add(actorPort(d.pdu), Number(d.pdu.time), d.pdu.source, d.pdu.frame);
  }
  const times = frames.map((d) => Number(d.pdu.time));
  return {
    version: 1,
    report,
    final: true,
    loading: false,
    progress: null,
    sources: [],
    counts: { slow: frames.length, lacp: frames.length, malformed: 0 },
    firstTime: times.length ? Math.min(...times) : null,
    lastTime: times.length ? Math.max(...times) : null,
    now: null,
    recent: [],
    stopped: null,
    error: null,
    frames: store,
    pdus,
    ...over,
  };
}
