/**
 * Recognises an input by its first bytes, never its name: pcap magic (either byte order, µs or
 * ns), the pcapng section header, or tcpdump's text output. Gzip is unwrapped one level up
 * (source.ts), since zlib streaming is asynchronous.
 */
import { ERROR_CODES, LacpscopeError } from '../errors.js';
import { emptyStats, NOT_A_CAPTURE, type CaptureReader, type FrameSink, type SourceStats } from './frame.js';
import { createPcapReader, pcapMagic, readU32 } from './pcap.js';
import { createPcapngReader, PCAPNG_SHB } from './pcapng.js';
import { createTcpdumpTextReader, type TcpdumpTextOptions } from './tcpdump-text.js';

/** Bytes looked at to tell text from binary (or all of a shorter input). */
const TEXT_PROBE = 64;


export function isGzip(buf: Uint8Array): boolean {
  return buf.length >= 2 && buf[0] === 0x1f && buf[1] === 0x8b;
}

/** Printable ASCII, whitespace, or bytes of UTF-8 sequences: what tcpdump output (or a paste of it) holds. */
function looksLikeText(buf: Uint8Array): boolean {
  for (let i = 0; i < buf.length; i++) {
    const b = buf[i];
    if (b >= 0x20 ? b === 0x7f : b !== 0x09 && b !== 0x0a && b !== 0x0d && b !== 0x0c) return false;
  }
  return true;
}

export type DetectedFormat = 'pcap' | 'pcapng' | 'tcpdump-text' | 'gzip' | null;

/**
 * The format `head` (the first bytes of an input) shows, or `undefined` when more bytes are
 * needed to tell (`ended`: no more will come). `null`: not a capture.
 */
export function detectFormat(head: Uint8Array, ended: boolean): DetectedFormat | undefined {
  if (isGzip(head)) return 'gzip';
  if (head.length >= 4) {
    if (pcapMagic(head, 0) !== null) return 'pcap';
    if (readU32(head, 0, true) === PCAPNG_SHB) return 'pcapng';
  }
  if (head.length < TEXT_PROBE && !ended) return undefined;
  return head.length > 0 && looksLikeText(head.subarray(0, TEXT_PROBE)) ? 'tcpdump-text' : null;
}

class AutoReader implements CaptureReader {
  private inner: CaptureReader | null = null;
  private head = new Uint8Array(0);
  /** Kept as one object for the reader's life; mirrors the chosen reader's counts. */
  readonly stats: SourceStats;

  constructor(
    private readonly name: string,
    private readonly onFrame: FrameSink,
    private readonly options: TcpdumpTextOptions,
  ) {
    this.stats = emptyStats(name);
  }

  push(chunk: Uint8Array): void {
    if (this.inner) {
      try {
        this.inner.push(chunk);
      } finally {
        this.sync();
      }
      return;
    }
    const head = new Uint8Array(this.head.length + chunk.length);
    head.set(this.head);
    head.set(chunk, this.head.length);
    this.head = head;
    this.stats.bytes = head.length;
    this.decide(false);
  }

  end(): void {
    if (!this.inner) this.decide(true);
    try {
      this.inner?.end();
    } finally {
      this.sync();
    }
  }

  private decide(ended: boolean): void {
    const format = detectFormat(this.head, ended);
    if (format === undefined) return;
    if (format === null || format === 'gzip') {
      const message = this.head.length === 0 ? `${NOT_A_CAPTURE}; the input is empty` : format === 'gzip' ? `${NOT_A_CAPTURE}: gzip data must be decompressed first` : NOT_A_CAPTURE;
      this.stats.bytes = 0;
      throw new LacpscopeError(ERROR_CODES.UNKNOWN_FORMAT, message, { file: this.name, offset: 0 });
    }
    this.inner =
      format === 'pcap'
        ? createPcapReader(this.name, this.onFrame)
        : format === 'pcapng'
          ? createPcapngReader(this.name, this.onFrame)
          : createTcpdumpTextReader(this.name, this.onFrame, this.options);
    const head = this.head;
    this.head = new Uint8Array(0);
    this.push(head);
  }

  private sync(): void {
    if (!this.inner) return;
    // gzip is known only to the caller, which sets it here; everything else is the reader's.
    const gzip = this.stats.gzip;
    Object.assign(this.stats, this.inner.stats);
    this.stats.gzip = gzip;
  }
}

/**
 * A reader for any supported (uncompressed) input: the format is chosen from the first bytes.
 * Empty input and unrecognised bytes are a fatal UNKNOWN_FORMAT error at offset 0.
 */
export function createAutoReader(name: string, onFrame: FrameSink, options: TcpdumpTextOptions = {}): CaptureReader {
  return new AutoReader(name, onFrame, options);
}
