/** What the pipeline (files, standard input or live capture) hands to the TUI, in order. */
import type { SourceStats } from '../capture/frame.js';
import type { DecodedFrame } from '../decode/pdu.js';

export type FeedEvent =
  /** One decoded Slow Protocols frame, in time order. */
  | { kind: 'frame'; decoded: DecodedFrame }
  /** A source's reader counts (sent again as they grow, and at its end). */
  | { kind: 'source'; stats: SourceStats }
  /** Loading progress over all inputs; `totalBytes` is null when the size is unknown (stdin, live). */
  | { kind: 'progress'; bytesRead: number; totalBytes: number | null; frames: number }
  /** Live only: the wall clock (epoch seconds), so silence is judged without waiting for a frame. */
  | { kind: 'tick'; nowSec: number }
  /** Every input is read to its end. */
  | { kind: 'end' }
  /** Live capture stopped (tcpdump exited, permission, interface gone); the data so far is kept. */
  | { kind: 'stopped'; message: string };
