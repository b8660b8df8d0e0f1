import type { TaskStatus } from './task-status.ts';

export const LogType = {
  STATE_CHANGE: 'STATE_CHANGE',
  RETRY: 'RETRY',
  ERROR: 'ERROR',
  INFO: 'INFO',
} as const;
export type LogType = (typeof LogType)[keyof typeof LogType];

export interface TaskLog {
  readonly id: number;
  readonly taskId: string;
  readonly logType: LogType;
  readonly fromStatus: TaskStatus | null;
  readonly toStatus: TaskStatus | null;
  readonly message: string;
  readonly workerId: string | null;
  readonly retryCount: number | null;
  readonly errorDetail: string | null;
  readonly createdAt: Date;
}

/** A log row before storage gives it an id; created_at is the writer's clock. */
export type NewTaskLog = Omit<TaskLog, 'id'>;

/** The canonical messages (docs/design.md#task-log); one place so every writer says the same words. */
export const LogMessage = {
  created: 'Task created',
  assigned: 'Task assigned to worker',
  completed: 'Task completed successfully',
  failedRetry: (n: number, m: number) => `Task failed, retry ${n}/${m}`,
  timeoutRetry: (n: number, m: number) => `Task timeout, retry ${n}/${m}`,
  failedFinal: 'Task failed and max retry reached',
  timeoutFinal: 'Task timeout and max retry reached',
  failedNonRetryable: 'Task failed with a non-retryable error',
  cancelledByUser: 'Task cancelled by user',
  cancelledDuringExecution: 'Task cancelled during execution',
  recovered: (workerId: string) => `Task recovered from failed worker ${workerId}`,
  retryScheduled: (delayMs: number) => `Task retry scheduled, delay: ${formatDelay(delayMs)}`,
  manualRetry: 'Task manually retried',
  executionTimeout: 'Task execution timeout',
  outcomeNotStored: 'Task outcome could not be stored',
} as const;

function formatDelay(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000}s` : `${ms}ms`;
}
