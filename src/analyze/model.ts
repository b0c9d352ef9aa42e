/** The analyzer's output: exactly what `analyze --format json` prints (CONTRACT.md), plus extensions. */
import type { CaptureFormat } from '../capture/frame.js';
import type { PortInfo, SlowPdu } from '../decode/pdu.js';

export type Severity = 'error' | 'warning' | 'info';

export type FindingCode =
  | 'NO_LACPDUS'
  | 'NO_PARTNER'
  | 'ONE_WAY'
  | 'LATE_PDU'
  | 'PDU_TIMEOUT'
  | 'RATE_IGNORED'
  | 'EXPIRED'
  | 'DEFAULTED'
  | 'ECHO_MISMATCH'
  | 'PARTNER_SYSTEM_MISMATCH'
  | 'PARTNER_KEY_MISMATCH'
  | 'ACTOR_KEY_MISMATCH'
  | 'INDIVIDUAL'
  | 'NEGOTIATION_STALLED'
  | 'STANDBY'
  | 'FLAPPING'
  | 'TX_RATE_EXCEEDED'
  | 'LOOPBACK'
  | 'SYSTEM_CHANGED'
  | 'MULTIPLE_PARTNERS'
  | 'MALFORMED'
  | 'MARKER_UNANSWERED'
  | 'ZERO_STATE'
  | 'ASYMMETRIC_RATE'
  | 'TRUNCATED_CAPTURE';

export interface Finding {
  code: FindingCode;
  severity: Severity;
  /** Port id `system/port` the finding is about, or null. */
  port: string | null;
  /** Link id (the two port ids joined by ` <-> `), or null. */
  link: string | null;
  /** Exact decimal seconds where it starts. */
  time: string;
  /** Where it ends (or the last evidence), exact decimal seconds. */
  until: string;
  /** Frame numbers of the evidence (bounded). */
  frames: number[];
  /** One plain sentence an engineer can act on. */
  message: string;
  /** Source (input name) of the first evidence frame, so `frames` can be resolved with several inputs. */
  source?: string;
}

export interface SourceSummary {
  name: string;
  format: CaptureFormat | null;
  gzip: boolean;
  frames: number;
  slowFrames: number;
  lacpdus: number;
  malformed: number;
  truncated: boolean;
  truncatedAt: number | null;
  snapCut: number;
}

export type RxState = 'current' | 'expired' | 'defaulted';
export type MuxState = 'detached' | 'attached' | 'collecting' | 'collecting-distributing';
export type Stack = 'linux' | 'openvswitch' | 'teamd' | 'cisco' | 'juniper' | 'arista' | 'extreme' | 'unknown';

export interface TimelineEntry {
  time: string;
  frame: number;
  source: string;
  actor: PortInfo;
  partner: PortInfo;
  /** Receive and mux state the actor's bits imply at this PDU. */
  rxState: RxState;
  muxState: MuxState;
  /** What changed from the previous entry, e.g. `actor.synchronization`, `partner.key`. */
  changes: string[];
}

export interface PortReport {
  id: string;
  system: string;
  systemPriority: number;
  port: number;
  key: number;
  interfaces: string[];
  firstSeen: string;
  lastSeen: string;
  pdus: number;
  /** Port id of the partner this port names (or null when it names no one / all-zero). */
  peer: string | null;
  bundled: boolean;
  intervalMedian: number | null;
  intervalMax: number | null;
  /** The rate this port's partner asked it to send at (its partner TLV's Timeout bit). */
  requestedRate: 'fast' | 'slow';
  rxState: RxState;
  muxState: MuxState;
  stack: Stack;
  timeline: TimelineEntry[];
  /** Timeline entries dropped (oldest kept) once the per-port cap was reached. */
  timelineDropped?: number;
  /** The port id this one replaced when its system id changed (see SYSTEM_CHANGED). */
  replaces?: string | null;
}

export interface LinkReport {
  ports: [string, string];
  interface: string;
  interfaces: string[];
  bundled: boolean;
}

export interface AggregationReport {
  system: string;
  key: number;
  ports: string[];
  partnerSystems: string[];
  partnerKeys: number[];
}

export interface AnalysisReport {
  sources: SourceSummary[];
  ports: PortReport[];
  links: LinkReport[];
  aggregations: AggregationReport[];
  findings: Finding[];
}

/** What a push or tick changed, for views that animate (live TUI). */
export type AnalyzerEvent =
  | { kind: 'port-changed'; port: string; time: string }
  | { kind: 'finding'; finding: Finding };

export type { SlowPdu };

/**
 * The incremental analyzer: a pure function of the PDU stream (plus the clock in live mode),
 * shared by files, standard input and live capture. Implemented by `createAnalyzer` in
 * `src/analyze/analyzer.ts`. Feed PDUs in time order (the capture layer merges inputs).
 */
export interface Analyzer {
  /** One decoded Slow Protocols frame. */
  push(pdu: SlowPdu): AnalyzerEvent[];
  /** Reader counts for a source (frames read, slow frames, truncation); may be called again as they grow. */
  setSourceStats(stats: import('../capture/frame.js').SourceStats): void;
  /** Live only: the wall clock moved to `nowSec` (epoch seconds); silence is judged against it. */
  tick(nowSec: number): AnalyzerEvent[];
  /**
   * The analysis so far. With `final: true` the end of input is reached: the end of a capture
   * is not a timeout, but conditions that persisted long enough are reported.
   */
  report(options?: { final?: boolean }): AnalysisReport;
}
