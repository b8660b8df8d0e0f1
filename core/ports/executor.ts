import type { JsonValue } from '../domain/json.ts';
import type { Task } from '../domain/task.ts';
import type { TaskTypeConfig } from '../domain/task-type.ts';
import type { Logger } from './logger.ts';

export interface ExecutionContext {
  /** Fires on the task's timeout (reason: TimeoutSignalReason) and on cancel (CancelSignalReason). */
  readonly signal: AbortSignal;
  /** The task type's config, including `executorConfig`. */
  readonly taskType: TaskTypeConfig;
  readonly workerId: string;
  /** pino child logger bound to the task id (process logs, not the task log). */
  readonly logger: Logger;
  /** Appends an INFO row to the task's log. */
  log(message: string, detail?: string): void;
  /** Reports progress (0–100): an INFO log row and a `task_progress` event. */
  progress(percent: number, message?: string): void;
  /**
   * The attempt's `task.execute` span as a W3C `traceparent`, while tracing is on
   * (docs/operations.md, "Tracing"): an executor that calls another service may send it on,
   * so that service's spans join the task's trace. Undefined otherwise.
   */
  readonly traceParent?: string | undefined;
}

/**
 * Runs tasks of one or more types (docs/design.md#executors). `execute` resolves with the result
 * stored on SUCCESS; throwing fails the task (retryable unless it is a NonRetryableError).
 */
export interface Executor {
  readonly type: string;
  readonly taskTypes: readonly string[];
  init?(context: ExecutorInitContext): Promise<void> | void;
  execute(task: Task, ctx: ExecutionContext): Promise<JsonValue | undefined | void>;
  close?(): Promise<void> | void;
}

export interface ExecutorInitContext {
  readonly logger: Logger;
  /** Config of every task type this executor serves. */
  readonly taskTypes: readonly TaskTypeConfig[];
}
