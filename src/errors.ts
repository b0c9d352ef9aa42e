/**
 * One module for every error lacpscope raises, each with a stable code (the undici model).
 * Fatal input errors name the file, what was expected and the byte offset; recoverable
 * per-record problems are not thrown but reported as PDU problems or findings.
 */
export const ERROR_CODES = {
  /** The input is not a capture lacpscope can read (no known magic, not tcpdump text). */
  UNKNOWN_FORMAT: 'LACPSCOPE_UNKNOWN_FORMAT',
  /** A pcap file header or record header is invalid. */
  PCAP_BAD_HEADER: 'LACPSCOPE_PCAP_BAD_HEADER',
  /** A pcapng block is invalid (bad length, trailer mismatch, bad byte-order magic). */
  PCAPNG_BAD_BLOCK: 'LACPSCOPE_PCAPNG_BAD_BLOCK',
  /** The gzip stream is corrupt. */
  GZIP_CORRUPT: 'LACPSCOPE_GZIP_CORRUPT',
  /** The file could not be opened or read. */
  IO: 'LACPSCOPE_IO',
  /** Command-line usage error. */
  USAGE: 'LACPSCOPE_USAGE',
  /** Live capture could not start or stopped (tcpdump missing, permission, interface). */
  LIVE: 'LACPSCOPE_LIVE',
} as const;

export type ErrorCode = (typeof ERROR_CODES)[keyof typeof ERROR_CODES];

export class LacpscopeError extends Error {
  readonly code: ErrorCode;
  /** File (or `-` for standard input) the error concerns, when there is one. */
  readonly file: string | undefined;
  /** Byte offset in the (decompressed) input where it went wrong, when known. */
  readonly offset: number | undefined;

  constructor(code: ErrorCode, message: string, options: { file?: string; offset?: number; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'LacpscopeError';
    this.code = code;
    this.file = options.file;
    this.offset = options.offset;
  }

  /** The one line the CLI prints: `file: message at byte N [CODE]`. */
  toLine(): string {
    const where = this.file === undefined ? '' : `${this.file}: `;
    const at = this.offset === undefined ? '' : ` (at byte offset ${this.offset})`;
    return `lacpscope: ${where}${this.message}${at} [${this.code}]`;
  }
}
