/**
 * Line output for streams of results: lines decoded from one read chunk go out in one write, and
 * every line is written before the event loop waits for more input, so a pipe from a running
 * tcpdump shows each frame at once while a large file is not written a syscall per line.
 */
const MAX_PENDING = 64 * 1024;

export class LineOutput {
  private pending: string[] = [];
  private size = 0;
  private scheduled = false;
  private brokenPipe = false;

  /** `onBroken` runs once when standard output cannot take more (EPIPE: the reader, `| head`, has gone). */
  constructor(
    private readonly stream: NodeJS.WritableStream,
    private readonly onBroken: () => void,
  ) {
    // EPIPE when the reader went away; any other write error leaves nowhere to write either.
    stream.on('error', () => {
      if (!this.brokenPipe) {
        this.brokenPipe = true;
        this.pending = [];
        this.onBroken();
      }
    });
  }

  get broken(): boolean {
    return this.brokenPipe;
  }

  line(text: string): void {
    if (this.brokenPipe) return;
    this.pending.push(text);
    this.size += text.length + 1;
    if (this.size >= MAX_PENDING) this.flush();
    else if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(() => this.flush());
    }
  }

  flush(): void {
    this.scheduled = false;
    if (this.pending.length === 0 || this.brokenPipe) return;
    const text = `${this.pending.join('\n')}\n`;
    this.pending = [];
    this.size = 0;
    this.stream.write(text);
  }

  /** Writes what is pending and waits until the stream has taken it. */
  async close(): Promise<void> {
    this.flush();
    const s = this.stream as NodeJS.WritableStream & { writableNeedDrain?: boolean };
    if (s.writableNeedDrain && !this.brokenPipe) {
      await new Promise<void>((resolve) => {
        s.once('drain', resolve);
        s.once('error', () => resolve());
      });
    }
  }
}
