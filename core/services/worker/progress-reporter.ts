import { boundedPercent, progressMessage } from '../../domain/task-progress.ts';
import type { Task } from '../../domain/task.ts';
import type { Clock } from '../../ports/clock.ts';
import type { ProgressWriter } from './progress-writer.ts';

/** At most one "Progress n%" log row per task per interval (plus the last report, see finish). */
export const PROGRESS_LOG_INTERVAL_MS = 1_000;

/**
 * The progress of one attempt, made on its first `ctx.progress` call. Every report updates the
 * task (through the worker's batching ProgressWriter); log rows are rate-limited: one at once,
 * then at most one per interval carrying the latest report, so a chatty executor cannot flood
 * the task log, and the last report is always logged.
 */
export class ProgressReporter {
  private lastLoggedAt = Number.NEGATIVE_INFINITY;
  private unlogged: string | undefined;
  private timer: NodeJS.Timeout | undefined;
  private finished = false;

  constructor(
    private readonly task: Task,
    private readonly workerId: string,
    private readonly clock: Clock,
    private readonly writer: ProgressWriter,
    private readonly log: (message: string) => void,
  ) {}

  report(percent: number, message?: string): void {
    // Reports after the attempt ended (an executor that ignored its signal) change nothing.
    if (this.finished) return;
    const bounded = boundedPercent(percent);
    if (bounded === undefined) return;
    const text = progressMessage(message);
    if (this.task.startedAt) {
      this.writer.submit(
        {
          taskId: this.task.taskId,
          workerId: this.workerId,
          startedAt: this.task.startedAt,
          percent: bounded,
          message: text,
          at: this.clock.now(),
        },
        this.task.taskType,
      );
    }
    const line = text === null ? `Progress ${bounded}%` : `Progress ${bounded}%: ${text}`;
    const now = performance.now();
    if (now - this.lastLoggedAt >= PROGRESS_LOG_INTERVAL_MS) {
      this.logNow(line, now);
      return;
    }
    this.unlogged = line;
    if (!this.timer) {
      this.timer = setTimeout(() => this.logUnlogged(), this.lastLoggedAt + PROGRESS_LOG_INTERVAL_MS - now);
      this.timer.unref();
    }
  }

  /** The attempt is over: log the report the rate limit held back, and write the last progress. */
  finish(): Promise<void> | undefined {
    this.finished = true;
    this.logUnlogged();
    return this.writer.flushTask(this.task.taskId);
  }

  private logUnlogged(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.unlogged !== undefined) this.logNow(this.unlogged, performance.now());
  }

  private logNow(line: string, now: number): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.unlogged = undefined;
    this.lastLoggedAt = now;
    this.log(line);
  }
}
