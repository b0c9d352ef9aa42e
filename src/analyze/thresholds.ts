/**
 * Every tunable number the rules use, in one table (notes section 4, F1-F24). Times in seconds.
 * Timing rules never use a fixed interval: they scale the period and timeout each receiver asked for.
 */
export const DEFAULT_THRESHOLDS = {
  /** 802.1AX Fast_Periodic_Time and Slow_Periodic_Time: the interval a sender must keep. */
  fastPeriodSec: 1,
  slowPeriodSec: 30,
  /** Short/Long_Timeout_Time: when the receiver expires its partner information. */
  shortTimeoutSec: 3,
  longTimeoutSec: 90,
  /** F3: a gap above this multiple of the requested interval is late. */
  lateFactor: 1.5,
  /** F1: consecutive partner-less PDUs, or TO + this much capture, before NO_PARTNER. */
  noPartnerMinPdus: 3,
  noPartnerGraceSec: 3,
  /** F2: the far end must stay deaf for longer than its timeout plus this. */
  oneWayGraceSec: 3,
  /** F4: fast-requested gaps whose median exceeds this multiple of the fast period. */
  rateIgnoredFactor: 1.5,
  rateIgnoredMinGaps: 3,
  /** F4: consecutive PDUs recording the slow rate while the partner asks for fast. */
  rateEchoMinPdus: 3,
  /** F7: a stale echo must persist over this many PDUs and at least this long. */
  echoMinPdus: 2,
  echoMinSec: 1,
  /** F12: Synchronization missing with both sides current: warning, then error (churn). */
  stallWarnSec: 10,
  stallErrorSec: 60,
  /** F13: Collecting/Distributing missing after both sides synchronized. */
  collectStallSec: 10,
  /** F14: held out of sync while siblings of the same LAG are bundled. */
  standbySec: 10,
  /** F15: 1->0 drops of Synchronization/Distributing within the window, or Expired episodes. */
  flapDrops: 3,
  flapWindowSec: 60,
  flapExpiredEpisodes: 2,
  flapExpiredWindowSec: 300,
  /** F16: silence after passive-only LACPDUs before NO_LACPDUS. */
  noLacpdusSilenceSec: 95,
  /** F17: more than this many LACPDUs from one port within the window. */
  txRateMaxPdus: 3,
  txRateWindowSec: 1,
  /** F17 and intervals: identical PDUs closer than this are capture doubling (SPAN, -i any). */
  duplicateWindowSec: 0.001,
  /** F20: distinct remote ports naming one port within this multiple of its timeout. */
  multiplePartnersTimeoutFactor: 2,
  /** F22: a Marker Response must follow within this. */
  markerResponseSec: 1,
  /** Repeats of one condition on one port closer than this are one episode (one finding). */
  episodeMergeSec: 60,
  /** Memory bounds: evidence frames per finding, timeline entries per port. */
  maxEvidenceFrames: 20,
  maxTimelineEntries: 2000,
  /** Unanswered Marker PDUs remembered at once. */
  maxPendingMarkers: 256,
} as const;

export type Thresholds = { -readonly [K in keyof typeof DEFAULT_THRESHOLDS]: number };

export interface AnalyzerOptions {
  thresholds?: Partial<Thresholds>;
}

export function resolveThresholds(options?: AnalyzerOptions): Thresholds {
  return { ...DEFAULT_THRESHOLDS, ...(options?.thresholds ?? {}) };
}
