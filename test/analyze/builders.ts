/** Synthetic SlowPdu builders for analyzer tests (no decoder involved). */
import type { LacpPdu, MarkerPdu, PortInfo, Problem, SlowPdu, StateFlag } from '../../src/decode/pdu.js';
import { createAnalyzer } from '../../src/analyze/analyzer.js';
import type { AnalysisReport, Finding } from '../../src/analyze/model.js';
import type { Thresholds } from '../../src/analyze/thresholds.js';

export const S = { act: 0x01, to: 0x02, agg: 0x04, sync: 0x08, col: 0x10, dist: 0x20, def: 0x40, exp: 0x80 } as const;
/** Active, aggregatable, fully bundled: fast (0x3f) and slow (0x3d). */
export const BUNDLED_FAST = 0x3f;
export const BUNDLED_SLOW = 0x3d;
/** Active, fast, aggregatable, defaulted: no partner. */
export const ALONE_FAST = 0x47;

const FLAGS: StateFlag[] = ['activity', 'timeout', 'aggregation', 'synchronization', 'collecting', 'distributing', 'defaulted', 'expired'];

export const T0 = 1_700_000_000;

export interface Side {
  system: string;
  port: number;
  key?: number;
  systemPriority?: number;
  portPriority?: number;
  state: number;
}

export const A = { system: '02:aa:00:00:00:01', port: 1, key: 17 } as const;
export const B = { system: '02:bb:00:00:00:02', port: 5, key: 33 } as const;
export const C = { system: '02:cc:00:00:00:03', port: 7, key: 44 } as const;
export const NULL_PARTNER: Side = { system: '00:00:00:00:00:00', port: 0, key: 0, systemPriority: 0, portPriority: 0, state: 0 };

export function info(s: Side): PortInfo {
  return {
    systemPriority: s.systemPriority ?? 32768,
    system: s.system,
    key: s.key ?? 1,
    portPriority: s.portPriority ?? 32768,
    port: s.port,
    state: s.state,
    flags: FLAGS.filter((_, i) => s.state & (1 << i)),
  };
}

export function time(t: number): string {
  return (T0 + t).toFixed(9);
}

/** One capture input: numbers frames, stamps times relative to T0. */
export class Wire {
  frame = 0;
  readonly pdus: SlowPdu[] = [];
  constructor(
    readonly iface = 'eth0',
    readonly source = 'test.pcap',
  ) {}

  /** Fields every slow PDU has; numbers the frame. */
  base(t: number, src: string | null) {
    return { source: this.source, interface: this.iface, frame: ++this.frame, time: time(t), direction: null, src, dst: '01:80:c2:00:00:02', vlans: [], problems: [] };
  }

  lacp(t: number, actor: Side, partner: Side = NULL_PARTNER, extra: { src?: string; problems?: Problem[]; collectorMaxDelay?: number } = {}): LacpPdu {
    const pdu: LacpPdu = {
      ...this.base(t, extra.src ?? srcFor(actor)),
      problems: extra.problems ?? [],
      subtype: 'lacp',
      version: 1,
      actor: info(actor),
      partner: info(partner),
      collectorMaxDelay: extra.collectorMaxDelay ?? 0,
      tlvs: [],
    };
    this.pdus.push(pdu);
    return pdu;
  }

  marker(t: number, response: boolean, requester: { system: string; port: number; xid: number }): MarkerPdu {
    const pdu: MarkerPdu = {
      ...this.base(t, null),
      subtype: response ? 'marker-response' : 'marker',
      version: 1,
      requesterPort: requester.port,
      requesterSystem: requester.system,
      requesterTransactionId: requester.xid,
      tlvs: [],
    };
    this.pdus.push(pdu);
    return pdu;
  }
}

/** A port's source MAC: its system with the last byte replaced by the port number. */
function srcFor(s: Side): string {
  return `${s.system.slice(0, 15)}${(s.port & 0xff).toString(16).padStart(2, '0')}`;
}

export function side(base: { system: string; port: number; key: number }, state: number, more: Partial<Side> = {}): Side {
  return { ...base, state, ...more };
}

/**
 * A healthy exchange between ports x and y from `from` to `to` seconds: each sends at the rate the
 * other asks for (`xFast`/`yFast` are each side's own Timeout bit), y offset by `offset`.
 */
export function healthy(
  w: Wire,
  o: { from: number; to: number; x?: typeof A | typeof B | typeof C; y?: typeof A | typeof B | typeof C; xFast?: boolean; yFast?: boolean; offset?: number; skipX?: (t: number) => boolean },
): void {
  const x = o.x ?? A;
  const y = o.y ?? B;
  const xs = o.xFast === false ? BUNDLED_SLOW : BUNDLED_FAST;
  const ys = o.yFast === false ? BUNDLED_SLOW : BUNDLED_FAST;
  // x sends at y's requested rate and vice versa.
  const xPeriod = o.yFast === false ? 30 : 1;
  const yPeriod = o.xFast === false ? 30 : 1;
  const events: [number, () => void][] = [];
  for (let t = o.from; t <= o.to + 1e-9; t += xPeriod) {
    if (o.skipX?.(t)) continue;
    const tt = t;
    events.push([tt, () => w.lacp(tt, side(x, xs), side(y, ys))]);
  }
  for (let t = o.from + (o.offset ?? 0.5); t <= o.to + 1e-9; t += yPeriod) {
    const tt = t;
    events.push([tt, () => w.lacp(tt, side(y, ys), side(x, xs))]);
  }
  events.sort((a, b) => a[0] - b[0]);
  for (const [, f] of events) f();
}

export function analyze(pdus: SlowPdu[], thresholds?: Partial<Thresholds>, final = true): AnalysisReport {
  const an = createAnalyzer({ thresholds });
  for (const p of pdus) an.push(p);
  return an.report({ final });
}

export function codes(r: AnalysisReport): string[] {
  return r.findings.map((f) => f.code);
}

export function only(r: AnalysisReport, code: Finding['code']): Finding[] {
  return r.findings.filter((f) => f.code === code);
}

/** Merge PDU lists by time, stable (earlier lists first on ties). */
export function mergeByTime(...lists: SlowPdu[][]): SlowPdu[] {
  return lists
    .flatMap((l, i) => l.map((p, j) => ({ p, i, j })))
    .sort((a, b) => Number(a.p.time) - Number(b.p.time) || a.i - b.i || a.j - b.j)
    .map((x) => x.p);
}
