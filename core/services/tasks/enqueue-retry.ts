import type { Logger } from '../../ports/logger.ts';
import type { DelayedEntry, ProducerQueue, QueueEntry } from '../../ports/queue.ts';

/** Retry delays grow to this and stay there: a queue back from an outage is used within a second. */
const MAX_DELAY_MS = 1_000;
const FIRST_DELAY_MS = 50;

/**
 * Ids of tasks that are durable (stored PENDING) but could not be queued because the queue
 * was unreachable. They are queued again as soon as the queue answers, not left for the
 * reconciliation pass (which only looks every reconcileInterval). Bounded: past `maxEntries`
 * the oldest are dropped here and reconciliation, the safety net, queues them later.
 */
export class EnqueueRetry {
  private ready: QueueEntry[] = [];
  private delayed: DelayedEntry[] = [];
  private timer: NodeJS.Timeout | undefined;
  private attempt = 0;
  private flushing: Promise<void> | undefined;

  constructor(
    private readonly queue: ProducerQueue,
    private readonly logger: Logger,
    private readonly maxEntries = 100_000,
  ) {}

  get size(): number {
    return this.ready.length + this.delayed.length;
  }

  add(ready: readonly QueueEntry[], delayed: readonly DelayedEntry[]): void {
    for (const entry of ready) this.ready.push(entry);
    for (const entry of delayed) this.delayed.push(entry);
    const excess = this.size - this.maxEntries;
    if (excess > 0) {
      const fromReady = Math.min(excess, this.ready.length);
      this.ready.splice(0, fromReady);
      this.delayed.splice(0, excess - fromReady);
      this.logger.warn(
        { dropped: excess },
        'too many tasks waiting for the queue; reconciliation will queue the oldest',
      );
    }
    this.arm();
  }

  /** One last attempt, then no timer is left behind. */
  async close(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.flushing;
    if (this.size > 0) await this.flush();
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  private arm(): void {
    if (this.timer || this.flushing) return;
    const delay = Math.min(MAX_DELAY_MS, FIRST_DELAY_MS * 2 ** this.attempt);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.flushing = this.flush().finally(() => {
        this.flushing = undefined;
        if (this.size > 0) this.arm();
      });
    }, delay);
    this.timer.unref();
  }

  private async flush(): Promise<void> {
    const ready = this.ready;
    const delayed = this.delayed;
    this.ready = [];
    this.delayed = [];
    try {
      if (ready.length > 0) await this.queue.enqueue(ready);
    } catch (error) {
      this.restore(ready, delayed, error);
      return;
    }
    try {
      if (delayed.length > 0) await this.queue.schedule(delayed);
    } catch (error) {
      this.restore([], delayed, error);
      return;
    }
    if (this.attempt > 0)
      this.logger.info({ tasks: ready.length + delayed.length }, 'queue reachable again; stored tasks queued');
    this.attempt = 0;
  }

  private restore(ready: QueueEntry[], delayed: DelayedEntry[], error: unknown): void {
    this.ready = ready.concat(this.ready);
    this.delayed = delayed.concat(this.delayed);
    if (this.attempt === 0)
      this.logger.warn(
        { err: error, tasks: this.size },
        'queue unreachable; will queue the stored tasks when it answers',
      );
    this.attempt++;
  }
}
