import { Queue, Worker, type Job, type Processor } from 'bullmq';
import { REDIS_URL, deleteKeys } from './redis-keys.ts';

const url = new URL(REDIS_URL);
/** BullMQ workers block on Redis: they need maxRetriesPerRequest null. */
export const connection = { host: url.hostname, port: Number(url.port || 6379), maxRetriesPerRequest: null };
export const QUEUE_NAME = 'bench';

export function bullQueue(prefix: string): Queue {
  return new Queue(QUEUE_NAME, { connection, prefix });
}

/** A worker that does not fetch until `.run()`; await `ready()` before timing. */
export function bullWorker(prefix: string, concurrency: number, processor: Processor): Worker {
  return new Worker(QUEUE_NAME, processor, { connection, prefix, concurrency, autorun: false });
}

export function noopJobs(count: number, priority?: number, from = 0) {
  return Array.from({ length: count }, (_, i) => ({
    name: 'noop',
    data: { i: from + i },
    opts: { removeOnComplete: true, ...(priority ? { priority } : {}) },
  }));
}

export async function preAdd(queue: Queue, count: number, priority?: number): Promise<void> {
  for (let from = 0; from < count; from += 1000)
    await queue.addBulk(noopJobs(Math.min(1000, count - from), priority, from));
}

export function startRunning(worker: Worker): void {
  void worker.run().catch(() => {});
}

export async function closeBull(parts: { queue?: Queue; worker?: Worker; prefix: string }): Promise<void> {
  await parts.worker?.close();
  await parts.queue?.close();
  await deleteKeys(parts.prefix);
}

export type { Job };
