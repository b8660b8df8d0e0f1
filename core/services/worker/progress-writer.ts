import type { EventBus } from '../../ports/event-bus.ts';
import type { Logger } from '../../ports/logger.ts';
import type { ProgressUpdate, StoragePort } from '../../ports/storage.ts';

/** How long reports gather before one storage call writes them (and their events go out). */
export const PROGRESS_FLUSH_MS = 200;

interface Pending {
  update: ProgressUpdate;
  taskType: string;
}

/**
 * One per worker: keeps only the latest progress of each task and writes what gathered in one
 * `writeProgress` call every PROGRESS_FLUSH_MS, so an executor that reports in a tight loop
 * costs one row update per interval, not one per call. `task_progress` is emitted after the
 * write, for the updates storage took, so a listener that reads the task sees the same value.
 * Nothing here runs for tasks that never report progress.
 */
export class ProgressWriter {
  private pending = new Map<string, Pending>();
  private writing: Promise<void> | undefined;
  private writingIds = new Set<string>();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly storage: StoragePort,
    private readonly events: EventBus,
    private readonly logger: Logger,
    private readonly flushMs = PROGRESS_FLUSH_MS,
  ) {}

  submit(update: ProgressUpdate, taskType: string): void {
    this.pending.set(update.taskId, { update, taskType });
    if (!this.timer && !this.writing) this.schedule();
  }

  /**
   * At the end of an attempt: writes its last progress now, before the outcome, so the final
   * value lands while the attempt guard still holds. Undefined when there is nothing to wait for.
   */
  flushTask(taskId: string): Promise<void> | undefined {
    if (!this.pending.has(taskId) && !this.writingIds.has(taskId)) return undefined;
    return this.flush();
  }

  /** Writes everything gathered so far (and waits for a write under way). */
  async flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    for (;;) {
      if (this.writing) {
        await this.writing;
        continue;
      }
      if (this.pending.size === 0) return;
      const batch = [...this.pending.values()];
      this.pending = new Map();
      this.writingIds = new Set(batch.map((p) => p.update.taskId));
      this.writing = this.write(batch).finally(() => {
        this.writing = undefined;
        this.writingIds = new Set();
        if (this.pending.size > 0 && !this.timer) this.schedule();
      });
    }
  }

  /** The worker's stop: the last reports are written and no timer is left behind. */
  close(): Promise<void> {
    return this.flush();
  }

  private schedule(): void {
    this.timer = setTimeout(() => void this.flush(), this.flushMs);
    this.timer.unref();
  }

  private async write(batch: Pending[]): Promise<void> {
    let written: string[];
    try {
      written = await this.storage.writeProgress(batch.map((p) => p.update));
    } catch (error) {
      // Progress is advisory: a failed write is logged and the next report tries again.
      this.logger.warn({ err: error, tasks: batch.length }, 'writing task progress failed');
      return;
    }
    const took = new Set(written);
    for (const { update, taskType } of batch) {
      if (!took.has(update.taskId)) continue;
      this.events.emit('task_progress', {
        taskId: update.taskId,
        taskType,
        percent: update.percent,
        ...(update.message !== null ? { message: update.message } : {}),
      });
    }
  }
}
