/**
 * Streaming interval statistics: a sparse logarithmic histogram (1 % buckets) keeping the sum of
 * each bucket, so memory is bounded by the number of distinct interval magnitudes, not by frames,
 * and a steady interval reads back exactly.
 */
const LOG_STEP = Math.log(1.01);

export class IntervalStats {
  private readonly buckets = new Map<number, { n: number; sum: number }>();
  count = 0;
  max: number | null = null;

  add(seconds: number): void {
    if (!(seconds >= 0) || !Number.isFinite(seconds)) return;
    const idx = seconds <= 1e-6 ? -2000 : Math.floor(Math.log(seconds) / LOG_STEP);
    const b = this.buckets.get(idx);
    if (b) {
      b.n++;
      b.sum += seconds;
    } else this.buckets.set(idx, { n: 1, sum: seconds });
    this.count++;
    if (this.max === null || seconds > this.max) this.max = seconds;
  }

  median(): number | null {
    if (this.count === 0) return null;
    const keys = [...this.buckets.keys()].sort((a, b) => a - b);
    const half = (this.count - 1) / 2;
    let seen = 0;
    for (const k of keys) {
      const b = this.buckets.get(k)!;
      if (seen + b.n > half) return b.sum / b.n;
      seen += b.n;
    }
    return null;
  }
}
