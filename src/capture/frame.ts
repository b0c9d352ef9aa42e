/** What every reader (pcap, pcapng, tcpdump text, live) hands to the decoder. */

export const LINKTYPE = {
  ETHERNET: 1,
  LINUX_SLL: 113,
  LINUX_SLL2: 276,
} as const;

export type Direction = 'in' | 'out' | null;

export interface Frame {
  /** Display name of the input: the file's base name, or `-` for standard input. */
  source: string;
  /** Interface the frame was captured on: pcapng interface name, SLL2 name, or the source name. */
  interface: string;
  /** 1-based index among all frames of its source (Wireshark's frame number). */
  index: number;
  /** Exact capture time in nanoseconds since the Unix epoch. */
  timeNs: bigint;
  linkType: number;
  direction: Direction;
  capturedLength: number;
  originalLength: number;
  /** The captured bytes (a copy the frame owns), starting at the link-layer header. */
  data: Uint8Array;
  /**
   * True when the bytes were rebuilt from printed tcpdump fields rather than captured:
   * fields tcpdump does not print (reserved bytes, addresses without -e) are zero.
   */
  rebuilt?: boolean;
}

export type CaptureFormat = 'pcap' | 'pcapng' | 'tcpdump-text';

export interface SourceStats {
  name: string;
  format: CaptureFormat | null;
  gzip: boolean;
  /** Every frame record read, slow or not. */
  frames: number;
  /** Frames whose EtherType (after VLAN tags) is Slow Protocols 0x8809, handed on as Frame objects. */
  slowFrames: number;
  /** Bytes of (decompressed) input consumed. */
  bytes: number;
  /** Set when the input ends mid-record: where the cut is. Complete frames before it are used. */
  truncated: { offset: number; message: string } | null;
  /** Slow frames cut short by the snapshot length (decoded as far as their bytes go). */
  snapCut: number;
  /** Records that could not be used (unsupported link type, unparsable text block), with why. */
  skipped: { offset: number; message: string }[];
}

export function emptyStats(name: string): SourceStats {
  return { name, format: null, gzip: false, frames: 0, slowFrames: 0, bytes: 0, truncated: null, snapCut: 0, skipped: [] };
}

/** Receives each Slow Protocols frame as soon as it is read. */
export type FrameSink = (frame: Frame) => void;

/**
 * An incremental reader: bytes in (any chunking), frames out. `push` never throws for
 * recoverable damage; a fatal format error is thrown as a LacpscopeError naming the offset.
 * The same bytes give the same frames and stats however they are split into chunks.
 */
export interface CaptureReader {
  push(chunk: Uint8Array): void;
  /** No more input: records a cut record as `stats.truncated`. */
  end(): void;
  readonly stats: SourceStats;
}

/** Format a nanosecond timestamp as exact decimal seconds, as in the JSON contract. */
export function formatTimeNs(ns: bigint): string {
  const neg = ns < 0n;
  const abs = neg ? -ns : ns;
  const s = abs / 1_000_000_000n;
  const frac = (abs % 1_000_000_000n).toString().padStart(9, '0');
  return `${neg ? '-' : ''}${s}.${frac}`;
}

/** The start of every "not a capture" error, whichever reader finds it. */
export const NOT_A_CAPTURE = 'not a capture: expected a pcap or pcapng magic number, gzip, or tcpdump text';
