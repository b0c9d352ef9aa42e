/**
 * Inputs: a file or standard input (`-`), gzip-compressed or not, streamed in fixed-size reads
 * through the reader its content calls for. Memory stays flat in the input's size: one reused
 * read buffer (zlib's own for gzip), plus one record carried across a chunk boundary.
 */
import { createReadStream, readSync } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { basename } from 'node:path';
import { setImmediate as nextTurn } from 'node:timers/promises';
import type { Readable } from 'node:stream';
import { ERROR_CODES, LacpscopeError } from '../errors.js';
import { createAutoReader, isGzip } from './detect.js';
import type { CaptureReader, Frame, FrameSink, SourceStats } from './frame.js';
import type { TcpdumpTextOptions } from './tcpdump-text.js';

export interface ReadCaptureOptions extends TcpdumpTextOptions {
  /** Bytes read so far (compressed bytes for gzip) and the input's size (null for a stream). */
  onProgress?: (bytesRead: number, totalBytes: number | null) => void;
  /** Stops reading: the promise resolves with the counts so far (no truncation is recorded). */
  signal?: AbortSignal;
  /** What `-` reads: standard input unless given (a spawned tcpdump's output, a test's stream). */
  stdin?: AsyncIterable<Uint8Array>;
}

/**
 * Read size. Reads are synchronous into one reused buffer, parsed while the chunk is still in this
 * core's cache: in bench/run.mjs that beat reads run ahead on the threadpool, whose chunks arrive
 * cold from the other core. 1 MiB keeps a read short enough for the interface to stay responsive
 * (the event loop gets a turn between chunks) and large enough that per-read costs vanish.
 */
export const READ_CHUNK = 1 << 20;
/**
 * Where in the read buffer a chunk lands: off a page boundary on purpose. With source and
 * destination at the same offset within their pages, the kernel's copy out of the page cache ran
 * at half speed here (4K aliasing); 1088 bytes (17 cache lines) in, it halved the system time.
 */
const READ_SKEW = 1088;

/** The name frames and counts carry: the file's base name, or `-`. */
export function inputName(path: string): string {
  return path === '-' ? '-' : basename(path);
}

function ioError(path: string, error: unknown): LacpscopeError {
  const e = error as NodeJS.ErrnoException;
  const why =
    e.code === 'ENOENT' ? 'no such file' : e.code === 'EACCES' ? 'permission denied' : e.code === 'EISDIR' ? 'is a directory' : (e.message ?? String(error));
  return new LacpscopeError(ERROR_CODES.IO, `cannot read: ${why}`, { file: path, cause: error });
}

/** A reader's error names the input as the user gave it (the reader knows only the base name). */
function withPath(path: string, error: unknown): unknown {
  if (error instanceof LacpscopeError && error.file !== path) {
    return new LacpscopeError(error.code, error.message, { file: path, offset: error.offset, cause: error.cause });
  }
  return error;
}

/**
 * Chunks of a file in order, each read into the same buffer: the consumer is done with a chunk
 * when it asks for the next. A pipe opened by path cannot be read at a position, so it is read
 * from where the last read stopped (and a read of it may wait for the writer).
 */
async function* fileChunks(fh: FileHandle, seekable: boolean): AsyncGenerator<Uint8Array> {
  const buffer = Buffer.allocUnsafe(READ_SKEW + READ_CHUNK);
  if (!seekable) {
    for (;;) {
      const { bytesRead } = await fh.read(buffer, READ_SKEW, READ_CHUNK, null);
      if (bytesRead === 0) return;
      yield buffer.subarray(READ_SKEW, READ_SKEW + bytesRead);
    }
  }
  let position = 0;
  for (;;) {
    const bytesRead = readSync(fh.fd, buffer, READ_SKEW, READ_CHUNK, position);
    if (bytesRead === 0) return;
    position += bytesRead;
    yield buffer.subarray(READ_SKEW, READ_SKEW + bytesRead);
    // A synchronous read never returns to the event loop by itself: let timers, keys and redraws in.
    await nextTurn();
  }
}

/** The first chunk, then the rest: lets the caller look at the first bytes before choosing a path. */
async function* prepend(first: Uint8Array, rest: AsyncIterator<Uint8Array>): AsyncGenerator<Uint8Array> {
  yield first;
  for (;;) {
    const r = await rest.next();
    if (r.done) return;
    yield r.value;
  }
}

/** zlib's code for a stream that ends before the gzip trailer: a cut file, not a corrupt one. */
const Z_BUF_ERROR = 'Z_BUF_ERROR';

/**
 * Feeds one input through `reader` chunk by chunk, yielding after each chunk (the caller takes
 * whatever frames the chunk produced). Handles gzip, progress and abort.
 */
async function* feed(path: string, reader: CaptureReader, options: ReadCaptureOptions): AsyncGenerator<void> {
  const stats = reader.stats;
  let total: number | null = null;
  let raw: AsyncIterator<Uint8Array>;
  let fh: FileHandle | null = null;
  let compressedRead = () => 0;
  if (path === '-') {
    raw = (options.stdin ?? (process.stdin as AsyncIterable<Uint8Array>))[Symbol.asyncIterator]();
  } else {
    try {
      fh = await open(path, 'r');
      const st = await fh.stat();
      if (st.isDirectory()) throw Object.assign(new Error('is a directory'), { code: 'EISDIR' });
      total = st.isFile() ? st.size : null;
    } catch (e) {
      await fh?.close();
      throw ioError(path, e);
    }
    raw = fileChunks(fh, total !== null);
  }
  try {
    let first: IteratorResult<Uint8Array>;
    try {
      first = await raw.next();
    } catch (e) {
      throw ioError(path, e);
    }
    let chunks: AsyncIterable<Uint8Array>;
    if (!first.done && isGzip(first.value)) {
      stats.gzip = true;
      // Loaded only for gzip input: start-up time counts on every run.
      const [{ Readable }, { createGunzip }] = await Promise.all([import('node:stream'), import('node:zlib')]);
      // zlib keeps a reference to each chunk until it has inflated it, so it gets its own
      // (non-reused) buffers: a fresh stream for a file, standard input's chunks as they come.
      let source: Readable;
      if (fh) {
        await raw.return?.();
        const stream = createReadStream(path, { highWaterMark: READ_CHUNK });
        compressedRead = () => stream.bytesRead;
        source = stream;
      } else {
        let n = 0;
        source = Readable.from(
          (async function* () {
            for await (const c of prepend(first.value, raw)) {
              n += c.length;
              yield c;
            }
          })(),
        );
        compressedRead = () => n;
      }
      const gunzip = source.pipe(createGunzip({ chunkSize: 256 * 1024 }));
      // A read error of the compressed input ends the inflated stream with that error.
      source.on('error', (e) => gunzip.destroy(e));
      chunks = gunzip;
    } else {
      let n = 0;
      compressedRead = () => n;
      chunks = (async function* () {
        if (first.done) return;
        for await (const c of prepend(first.value, raw)) {
          n += c.length;
          yield c;
        }
      })();
    }
    try {
      for await (const chunk of chunks) {
        if (options.signal?.aborted) return;
        reader.push(chunk);
        options.onProgress?.(compressedRead(), total);
        yield;
      }
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (e instanceof LacpscopeError) throw e;
      if (stats.gzip && code === Z_BUF_ERROR) {
        // A cut .gz: everything inflated so far is used, and the cut is reported like any other.
        reader.end();
        stats.truncated ??= { offset: stats.bytes, message: 'the gzip stream ends early: the compressed file is cut' };
        yield;
        return;
      }
      if (stats.gzip && typeof code === 'string' && code.startsWith('Z_')) {
        throw new LacpscopeError(ERROR_CODES.GZIP_CORRUPT, `corrupt gzip data (${(e as Error).message})`, { file: path, offset: stats.bytes, cause: e });
      }
      throw ioError(path, e);
    }
    if (options.signal?.aborted) return;
    reader.end();
    yield;
  } finally {
    await fh?.close();
  }
}

/**
 * Reads one input to its end, calling `onFrame` for each Slow Protocols frame as soon as the
 * chunk holding it is read (standard input: as soon as it arrives). Resolves with the input's
 * counts; rejects with a LacpscopeError naming the path and, for bad content, the byte offset.
 */
export function readCapture(path: string, onFrame: FrameSink, options: ReadCaptureOptions = {}): Promise<SourceStats> {
  return openCapture(path, options).drain(onFrame);
}

/** One input as a pull stream of frames: nothing is read until frames are asked for. */
export interface CaptureSource extends AsyncIterable<Frame> {
  readonly name: string;
  /** The input's counts so far; final once iteration has ended. */
  readonly stats: SourceStats;
  /**
   * Instead of iterating: reads to the end, handing each frame to `onFrame` as it is found, with
   * no async step per frame. Resolves with the final counts.
   */
  drain(onFrame: FrameSink): Promise<SourceStats>;
}

/**
 * `readCapture` as an async iterable with backpressure: reading pauses while the consumer is
 * busy, so a merge of several inputs holds no more than a chunk's frames per input.
 */
export function openCapture(path: string, options: ReadCaptureOptions = {}): CaptureSource {
  let batch: Frame[] = [];
  let sink: FrameSink = (f) => batch.push(f);
  const reader = createAutoReader(inputName(path), (f) => sink(f), options);
  return {
    name: inputName(path),
    get stats() {
      return reader.stats;
    },
    async drain(onFrame) {
      sink = onFrame;
      try {
        for await (const _ of feed(path, reader, options));
      } catch (e) {
        throw withPath(path, e);
      }
      return reader.stats;
    },
    async *[Symbol.asyncIterator]() {
      try {
        for await (const _ of feed(path, reader, options)) {
          const frames = batch;
          batch = [];
          yield* frames;
        }
      } catch (e) {
        // Frames read before the error are handed on first: none is lost.
        const frames = batch;
        batch = [];
        yield* frames;
        throw withPath(path, e);
      }
    },
  };
}
