import { ErrorCode } from '../../domain/errors.ts';
import type { Task } from '../../domain/task.ts';
import type { NewTaskLog } from '../../domain/task-log.ts';
import type { Logger } from '../../ports/logger.ts';
import type { DelayedEntry, ProducerQueue } from '../../ports/queue.ts';
import type { StoragePort, TaskTransition } from '../../ports/storage.ts';
import { delay } from '../delay.ts';
import type { TaskStateWriter } from '../task-state.ts';

export interface Outcome {
  taskId: string;
  /** The task as it ran, for writing a degraded outcome in its place. */
  task?: Task;
  transition?: TaskTransition;
  retry?: DelayedEntry;
  /** Rows that change no status (e.g. "cancelled during execution"). */
  logs?: NewTaskLog[];
  /** Runs after the outcome is durable (events, metrics), told whether its guard matched. */
  after?: (applied: boolean) => void;
}

/**
 * What to write instead of an outcome storage refused (a result or message it cannot hold):
 * a small FAILED transition saying why, or undefined when there is nothing better to write.
 */
export type DegradeOutcome = (outcome: Outcome, reason: string) => Outcome | undefined;

/** How far one batch got, so a retry after an outage resumes there instead of writing twice. */
interface BatchProgress {
  outcomes: Outcome[];
  /** Set once the transitions are written: the ids whose guard matched. */
  applied?: Set<string>;
  logsWritten: boolean;
  /** Storage refused the batch's log rows together: write them outcome by outcome. */
  logsOneByOne?: boolean;
  retriesQueued: boolean;
  /** An outcome already degraded once is not degraded again. */
  degraded: boolean;
}

/** A dependency outage (50301): worth waiting for. Anything else from storage is about the data. */
function isOutage(error: unknown): boolean {
  return (
    typeof error === 'object' &&
    error !== null &&
    (error as { code?: unknown }).code === ErrorCode.DEPENDENCY_UNAVAILABLE
  );
}

/**
 * Group commit for a worker's finished tasks: outcomes that finish in the same turn of the
 * event loop are written in one storage call. Order per task is kept: storage first (the
 * truth), then the delayed queue, then the ack (handed to the worker, which sends it with its
 * next take), so a crash in between leaves the task where recovery or reconciliation finds it.
 *
 * One bad row never holds the others: when storage refuses a batch for its data (not an
 * outage), the batch is written outcome by outcome, and an outcome refused on its own is
 * replaced by its degraded form (FAILED, saying why). Outages are retried with backoff,
 * resuming at the step that failed.
 */
export class OutcomeCommitter {
  private pending: Outcome[] = [];
  private flushing: Promise<void> | undefined;
  private scheduled = false;

  constructor(
    private readonly state: TaskStateWriter,
    private readonly storage: StoragePort,
    private readonly queue: ProducerQueue,
    private readonly logger: Logger,
    /** Told the ids whose outcomes are durable: the worker acks them (see AckBatcher). */
    private readonly onDurable: (taskIds: string[]) => void,
    private readonly degrade: DegradeOutcome = () => undefined,
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
      this.flushing = this.commit({ outcomes: batch, logsWritten: false, retriesQueued: false, degraded: false });
      try {
        await this.flushing;
      } finally {
        this.flushing = undefined;
      }
    }
  }

  private async commit(progress: BatchProgress): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        await this.write(progress);
        return;
      } catch (error) {
        if (!isOutage(error) && progress.applied === undefined) return this.isolate(progress, error);
        if (!isOutage(error) && !progress.logsWritten && !progress.logsOneByOne) {
          progress.logsOneByOne = true;
          continue;
        }
        // Storage or queue down (a queue holds only ids, so its errors are taken as outages): keep the outcomes (the tasks stay in our processing list) and
        // try again with backoff; giving up would leave them for dead-worker recovery anyway.
        const backoffMs = Math.min(5_000, 100 * 2 ** Math.min(attempt, 6));
        this.logger.error(
          { err: error, tasks: progress.outcomes.length, attempt },
          'writing task outcomes failed; retrying',
        );
        await delay(backoffMs);
      }
    }
  }

  private async write(progress: BatchProgress): Promise<void> {
    const batch = progress.outcomes;
    if (!progress.applied) {
      const transitions = batch.flatMap((o) => (o.transition ? [o.transition] : []));
      progress.applied = new Set((await this.state.transition(transitions)).applied);
    }
    const applied = progress.applied;
    if (!progress.logsWritten) {
      if (progress.logsOneByOne) await this.writeLogsOneByOne(batch);
      else {
        const logs = batch.flatMap((o) => o.logs ?? []);
        if (logs.length > 0) await this.storage.appendLogs(logs);
      }
      progress.logsWritten = true;
    }
    if (!progress.retriesQueued) {
      const retries = batch.flatMap((o) => (o.retry && applied.has(o.taskId) ? [o.retry] : []));
      if (retries.length > 0) await this.queue.schedule(retries);
      progress.retriesQueued = true;
    }
    this.onDurable(batch.map((o) => o.taskId));
    for (const outcome of batch) {
      try {
        outcome.after?.(outcome.transition ? applied.has(outcome.taskId) : true);
      } catch (error) {
        this.logger.error({ err: error, taskId: outcome.taskId }, 'outcome callback failed');
      }
    }
  }

  /** Storage refused the transitions for their data: nothing was written. Find the bad one. */
  private async isolate(progress: BatchProgress, error: unknown): Promise<void> {
    if (progress.outcomes.length > 1) {
      for (const outcome of progress.outcomes) {
        await this.commit({
          outcomes: [outcome],
          logsWritten: false,
          retriesQueued: false,
          degraded: progress.degraded,
        });
      }
      return;
    }
    const outcome = progress.outcomes[0]!;
    const reason = error instanceof Error ? error.message : String(error);
    const degraded = progress.degraded ? undefined : this.degrade(outcome, reason);
    this.logger.error(
      { err: error, taskId: outcome.taskId, degraded: degraded !== undefined },
      degraded
        ? 'storage refused a task outcome; writing it as FAILED instead'
        : 'storage refused a task outcome; leaving the task to the timeout scan',
    );
    if (degraded) await this.commit({ outcomes: [degraded], logsWritten: false, retriesQueued: false, degraded: true });
  }

  /** The status changes are written but storage refused the log rows together: keep every row it accepts. */
  private async writeLogsOneByOne(batch: Outcome[]): Promise<void> {
    for (const outcome of batch) {
      if (!outcome.logs || outcome.logs.length === 0) continue;
      try {
        await this.storage.appendLogs(outcome.logs);
      } catch (error) {
        if (isOutage(error)) throw error;
        this.logger.error({ err: error, taskId: outcome.taskId }, 'storage refused task log rows; they are dropped');
      }
      // Written or dropped: a retry after an outage must not write them again.
      outcome.logs = undefined;
    }
  }
}
