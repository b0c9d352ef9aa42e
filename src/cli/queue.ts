/**
 * A push-to-pull bridge: callbacks (readers, timers) push values, one consumer pulls them with
 * `for await`. Values are never dropped; a failure is delivered after the values pushed before it.
 */
export class AsyncQueue<T> implements AsyncIterable<T> {
  private readonly items: T[] = [];
  private head = 0;
  private waiter: (() => void) | null = null;
  private closed = false;
  private failure: { error: unknown } | null = null;

  push(value: T): void {
    if (this.closed) return;
    this.items.push(value);
    this.wake();
  }

  /** No more values: the consumer's loop ends after the ones queued. */
  end(): void {
    this.closed = true;
    this.wake();
  }

  /** The consumer's loop throws `error` after the values queued before it. */
  fail(error: unknown): void {
    if (this.closed) return;
    this.failure = { error };
    this.closed = true;
    this.wake();
  }

  get ended(): boolean {
    return this.closed;
  }

  private wake(): void {
    const w = this.waiter;
    this.waiter = null;
    w?.();
  }

  async *[Symbol.asyncIterator](): AsyncIterator<T> {
    for (;;) {
      if (this.head < this.items.length) {
        const value = this.items[this.head++];
        // Compact now and then so a long run does not keep every consumed value alive.
        if (this.head > 1024 && this.head * 2 > this.items.length) {
          this.items.splice(0, this.head);
          this.head = 0;
        }
        yield value;
        continue;
      }
      if (this.closed) {
        if (this.failure) throw this.failure.error;
        return;
      }
      await new Promise<void>((resolve) => (this.waiter = resolve));
    }
  }
}
