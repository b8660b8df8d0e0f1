import { boundedText, MAX_ERROR_DETAIL_CHARS, MAX_ERROR_MESSAGE_CHARS } from '../../domain/json-limits.ts';
import type { Task } from '../../domain/task.ts';
import type { TaskTypeConfig } from '../../domain/task-type.ts';
import type { Clock } from '../../ports/clock.ts';
import type { EventBus } from '../../ports/event-bus.ts';
import type { ExecutionContext } from '../../ports/executor.ts';
import type { Logger } from '../../ports/logger.ts';
import type { StoragePort } from '../../ports/storage.ts';
import type { LazyAbort } from './lazy-abort.ts';
import { infoLog } from '../log-entries.ts';
import { ProgressReporter } from './progress-reporter.ts';
import type { ProgressWriter } from './progress-writer.ts';

export interface ContextServices {
  storage: StoragePort;
  clock: Clock;
  events: EventBus;
  /** The worker's logger; a task's child logger is made from it. */
  logger: Logger;
  /** The worker's batching writer of task progress. */
  progress: ProgressWriter;
}

type LogFn = ExecutionContext['log'];
type ProgressFn = ExecutionContext['progress'];

/**
 * What an executor gets for one task. Built once per task on a worker's hot path, so
 * everything an executor may not use (the AbortController, a pino child logger, the log and
 * progress functions, the progress reporter) is made on first access. `log` and `progress` are
 * plain functions that keep working when destructured (`const { log } = ctx`).
 */
export class TaskExecutionContext implements ExecutionContext {
  private childLogger: Logger | undefined;
  private logFn: LogFn | undefined;
  private progressFn: ProgressFn | undefined;
  private reporter: ProgressReporter | undefined;
  /** The attempt's `task.execute` span, set by the runner while tracing is on. */
  traceParent: string | undefined;

  constructor(
    private readonly task: Task,
    readonly taskType: TaskTypeConfig,
    readonly workerId: string,
    private readonly abort: LazyAbort,
    private readonly services: ContextServices,
  ) {}

  get signal(): AbortSignal {
    return this.abort.signal;
  }

  get logger(): Logger {
    return (this.childLogger ??= this.services.logger.child({
      taskId: this.task.taskId,
      taskType: this.task.taskType,
    }));
  }

  get log(): LogFn {
    return (this.logFn ??= logAppender(this));
  }

  get progress(): ProgressFn {
    return (this.progressFn ??= progressReporter(this));
  }

  /** Appends an INFO row (text bounded to what every storage holds); a failed write is logged, never thrown at the executor. */
  appendLog(message: string, detail?: string): void {
    const { storage, clock } = this.services;
    const row = infoLog(
      this.task.taskId,
      boundedText(String(message), MAX_ERROR_MESSAGE_CHARS),
      clock.now(),
      this.workerId,
      detail === undefined || detail === null ? null : boundedText(String(detail), MAX_ERROR_DETAIL_CHARS),
    );
    storage.appendLogs([row]).catch((error: unknown) => {
      this.logger.warn({ err: error }, 'writing a task log row failed');
    });
  }

  reportProgress(percent: number, message?: string): void {
    this.reporter ??= new ProgressReporter(
      this.task,
      this.workerId,
      this.services.clock,
      this.services.progress,
      this.log,
    );
    this.reporter.report(percent, message);
  }

  /**
   * The attempt is over (called by the worker before it records the outcome). Undefined, and
   * free, for a task that never reported progress; otherwise resolves once its last progress
   * is written.
   */
  finish(): Promise<void> | undefined {
    return this.reporter?.finish();
  }
}

function logAppender(context: TaskExecutionContext): LogFn {
  return (message, detail) => context.appendLog(message, detail);
}

function progressReporter(context: TaskExecutionContext): ProgressFn {
  return (percent, message) => context.reportProgress(percent, message);
}
