/**
 * Throughput and failure rate from the live events, counted in the browser since the page
 * opened: finished attempts per bucket of `BUCKET_MS`, the last `BUCKETS` of them.
 */
import { live } from './live.ts';

export const BUCKET_MS = 5_000;
export const BUCKETS = 60;

interface Bucket {
  start: number;
  completed: number;
  failed: number;
}

export interface MeterPoint {
  start: number;
  /** Successful completions per second. */
  perSecond: number;
  /** Failed attempts (FAILED or TIMEOUT, retried or not) over all finished attempts, 0..1; null when none finished. */
  failureRate: number | null;
}

class ThroughputMeter {
  private buckets: Bucket[] = [];

  constructor() {
    live.subscribe((event) => {
      if (event.event === 'task_completed') this.bucket().completed++;
      else if (event.event === 'task_failed') this.bucket().failed++;
    });
  }

  /** The last BUCKETS points, oldest first; buckets with no event count as zero. */
  series(now = Date.now()): MeterPoint[] {
    const current = Math.floor(now / BUCKET_MS) * BUCKET_MS;
    const byStart = new Map(this.buckets.map((b) => [b.start, b]));
    const points: MeterPoint[] = [];
    for (let i = BUCKETS - 1; i >= 0; i--) {
      const start = current - i * BUCKET_MS;
      const bucket = byStart.get(start);
      const finished = (bucket?.completed ?? 0) + (bucket?.failed ?? 0);
      points.push({
        start,
        perSecond: (bucket?.completed ?? 0) / (BUCKET_MS / 1000),
        failureRate: finished === 0 ? null : (bucket?.failed ?? 0) / finished,
      });
    }
    return points;
  }

  /**
   * Completions per second and the failed share over the last `windowBuckets` buckets, the
   * current (partial) one included, so a change shows at once rather than when a bucket closes.
   */
  recent(now = Date.now(), windowBuckets = 3): { perSecond: number; failureRate: number | null } {
    const current = Math.floor(now / BUCKET_MS) * BUCKET_MS;
    const from = current - (windowBuckets - 1) * BUCKET_MS;
    let completed = 0;
    let failed = 0;
    for (const bucket of this.buckets) {
      if (bucket.start < from) continue;
      completed += bucket.completed;
      failed += bucket.failed;
    }
    const seconds = Math.max(1, (now - from) / 1000);
    const finished = completed + failed;
    return { perSecond: completed / seconds, failureRate: finished === 0 ? null : failed / finished };
  }

  private bucket(): Bucket {
    const start = Math.floor(Date.now() / BUCKET_MS) * BUCKET_MS;
    let last = this.buckets[this.buckets.length - 1];
    if (!last || last.start !== start) {
      last = { start, completed: 0, failed: 0 };
      this.buckets.push(last);
      if (this.buckets.length > BUCKETS) this.buckets.shift();
    }
    return last;
  }
}

export const meter = new ThroughputMeter();
