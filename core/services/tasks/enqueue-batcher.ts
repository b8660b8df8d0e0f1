import type { DelayedEntry, ProducerQueue, QueueEntry } from '../../ports/queue.ts';
import type { EnqueueRetry } from './enqueue-retry.ts';

interface Batch {
  ready: QueueEntry[];
  delayed: DelayedEntry[];
  done: Promise<void>;
}

/**
 * Enqueues of creates that run at the same time (concurrent API requests, each one task) are
 * sent as one queue call per kind, on the next turn of the event loop: one round trip for the
 * lot instead of one each. A failed call hands its entries to EnqueueRetry (the tasks are
 * already stored), so callers never see a queue error.
 *
 * The tasks are durable once stored: answering with an error would make a client without an
 * idempotency key create them twice. When the queue is down they are queued as soon as it
 * answers again (EnqueueRetry), with reconciliation as the last safety net.
 */
export class EnqueueBatcher {
  private open: Batch | undefined;

  constructor(
    private readonly queue: ProducerQueue,
    private readonly retry: EnqueueRetry,
  ) {}

  /** Resolves once the entries are queued (or handed to the retry). */
  add(ready: readonly QueueEntry[], delayed: readonly DelayedEntry[]): Promise<void> {
    if (ready.length === 0 && delayed.length === 0) return Promise.resolve();
    let batch = this.open;
    if (!batch) {
      const created: Batch = { ready: [], delayed: [], done: Promise.resolve() };
      created.done = new Promise<void>((resolve) => setImmediate(() => void this.flush(created).then(resolve)));
      this.open = batch = created;
    }
    for (const entry of ready) batch.ready.push(entry);
    for (const entry of delayed) batch.delayed.push(entry);
    return batch.done;
  }

  private async flush(batch: Batch): Promise<void> {
    if (this.open === batch) this.open = undefined;
    try {
      if (batch.ready.length > 0) await this.queue.enqueue(batch.ready);
    } catch {
      this.retry.add(batch.ready, batch.delayed);
      return;
    }
    try {
      if (batch.delayed.length > 0) await this.queue.schedule(batch.delayed);
    } catch {
      this.retry.add([], batch.delayed);
    }
  }
}
