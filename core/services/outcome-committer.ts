import type { DelayedEntry, TaskQueue } from '../ports/queue.ts';
import type { TaskTransition } from '../ports/storage.ts';
import type { NewTaskLog } from '../domain/task-log.ts';
import type { StoragePort } from '../ports/storage.ts';
import type { Logger } from '../ports/logger.ts';
import type { TaskStateWriter } from './task-state.ts';

export interface Outcome {
  taskId: string;
  transition?: TaskTransition;
  retry?: DelayedEntry;
  /** Rows that change no status (e.g. "cancelled during execution"). */
  logs?: NewTaskLog[];
  /** Runs after the outcome is durable (events, metrics), told whether its guard matched. */
  after?: (applied: boolean) => void;
}

/**
 * Group commit for a worker's finished tasks: outcomes that finish in the same turn of the
 * event loop are written in one storage call. Order per task is kept: storage first (the
 * truth), then the delayed queue, then the ack (handed to the worker, which sends it with its
 * next take), so a crash in between leaves the task where recovery or reconciliation finds it.
 */
export class OutcomeCommitter {
  private pending: Outcome[] = [];
  private flushing: Promise<void> | undefined;
  private scheduled = false;

  constructor(
    private readonly state: TaskStateWriter,
    private readonly storage: StoragePort,
    private readonly queue: TaskQueue,
    private readonly logger: Logger,
    /** Told the ids whose outcomes are durable: the worker acks them (see Worker.acknowledge). */
    private readonly onDurable: (taskIds: string[]) => void,
  ) {}

  add(outcome: Outcome): void {
    this.pending.push(outcome);
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(() => void this.flushLoop());
    }
  }

  /** Resolves once everything added so far is written. */
  async drain(): Promise<void> {
    while (this.pending.length > 0 || this.flushing) {
      if (this.flushing) await this.flushing;
      else await this.flushLoop();
    }
  }

  private async flushLoop(): Promise<void> {
    this.scheduled = false;
    if (this.flushing) return;
    while (this.pending.length > 0) {
      const batch = this.pending;
      this.pending = [];
      this.flushing = this.commit(batch);
      try {
        await this.flushing;
      } finally {
        this.flushing = undefined;
      }
    }
  }

  private async commit(batch: Outcome[]): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        await this.write(batch);
        return;
      } catch (error) {
        // Storage or queue down: keep the outcomes (the tasks stay in our processing list) and
        // try again with backoff; giving up would leave them for dead-worker recovery anyway.
        const delay = Math.min(5_000, 100 * 2 ** Math.min(attempt, 6));
        this.logger.error({ err: error, tasks: batch.length, attempt }, 'writing task outcomes failed; retrying');
        await new Promise((r) => setTimeout(r, delay));
      }
    }
  }

  private async write(batch: Outcome[]): Promise<void> {
    const transitions = batch.flatMap((o) => (o.transition ? [o.transition] : []));
    const { applied } = await this.state.transition(transitions);
    const appliedSet = new Set(applied);
    const logs = batch.flatMap((o) => o.logs ?? []);
    if (logs.length > 0) await this.storage.appendLogs(logs);
    const retries = batch.flatMap((o) => (o.retry && appliedSet.has(o.taskId) ? [o.retry] : []));
    if (retries.length > 0) await this.queue.schedule(retries);
    this.onDurable(batch.map((o) => o.taskId));
    for (const outcome of batch) {
      try {
        outcome.after?.(outcome.transition ? appliedSet.has(outcome.taskId) : true);
      } catch (error) {
        this.logger.error({ err: error, taskId: outcome.taskId }, 'outcome callback failed');
      }
    }
  }
}
