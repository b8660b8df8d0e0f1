import { boundedText, MAX_ERROR_DETAIL_CHARS, MAX_ERROR_MESSAGE_CHARS } from '../domain/json-limits.ts';
import type { Task } from '../domain/task.ts';
import { LogMessage, type NewTaskLog } from '../domain/task-log.ts';
import { computeRetryDelayMs, TASK_TYPE_DEFAULTS, type TaskTypeConfig } from '../domain/task-type.ts';
import type { DelayedEntry } from '../ports/queue.ts';
import type { TaskTransition } from '../ports/storage.ts';
import { stateLog } from './log-entries.ts';

export interface FailureInput {
  task: Task;
  /** The type's retry settings; defaults when the type was deleted meanwhile. */
  type: TaskTypeConfig | undefined;
  status: 'FAILED' | 'TIMEOUT';
  errorMsg: string;
  errorDetail: string | null;
  nonRetryable: boolean;
  workerId: string | null;
  now: Date;
  random?: () => number;
}

export interface FailurePlan {
  transition: TaskTransition;
  /** Present when the task goes back to PENDING: park it in the delayed queue until then. */
  retry?: DelayedEntry & { retryCount: number; delayMs: number };
}

/**
 * Decides what a failure does (docs/design.md#retry-policy): a retry scheduled durably with backoff while
 * retry_count < max_retry and the error is retryable, else a final FAILED/TIMEOUT.
 * A retry is written as one guarded step PROCESSING → FAILED|TIMEOUT → PENDING.
 */
export function planFailure(raw: FailureInput): FailurePlan {
  // Executors' messages can be anything: keep them storable on every storage (TEXT columns).
  const input = {
    ...raw,
    errorMsg: boundedText(raw.errorMsg, MAX_ERROR_MESSAGE_CHARS),
    errorDetail: raw.errorDetail === null ? null : boundedText(raw.errorDetail, MAX_ERROR_DETAIL_CHARS),
  };
  const { task, status, now, workerId } = input;
  const retries = input.type ?? { ...TASK_TYPE_DEFAULTS, retryJitter: 0 };
  const canRetry = !input.nonRetryable && task.retryCount < task.maxRetry;
  const failedLog: NewTaskLog = {
    ...stateLog(task, 'PROCESSING', status, '', now, workerId),
    errorDetail: input.errorDetail ?? input.errorMsg,
  };

  if (canRetry) {
    const retryCount = task.retryCount + 1;
    const delayMs = computeRetryDelayMs(retries, retryCount, input.random);
    const dueAt = new Date(now.getTime() + delayMs);
    const message =
      status === 'TIMEOUT'
        ? LogMessage.timeoutRetry(retryCount, task.maxRetry)
        : LogMessage.failedRetry(retryCount, task.maxRetry);
    return {
      transition: {
        taskId: task.taskId,
        from: 'PROCESSING',
        via: status,
        to: 'PENDING',
        expectedWorkerId: task.workerId ?? undefined,
        patch: {
          retryCount,
          errorMsg: input.errorMsg,
          workerId: null,
          startedAt: null,
          completedAt: null,
          scheduledAt: dueAt,
        },
        logs: [
          { ...failedLog, message },
          {
            ...stateLog({ ...task, retryCount }, status, 'PENDING', LogMessage.retryScheduled(delayMs), now, workerId),
            logType: 'RETRY',
          },
        ],
        at: now,
      },
      retry: { taskId: task.taskId, priority: task.priority, dueAt, retryCount, delayMs },
    };
  }

  const finalMessage = input.nonRetryable
    ? LogMessage.failedNonRetryable
    : status === 'TIMEOUT'
      ? LogMessage.timeoutFinal
      : LogMessage.failedFinal;
  return {
    transition: {
      taskId: task.taskId,
      from: 'PROCESSING',
      to: status,
      expectedWorkerId: task.workerId ?? undefined,
      patch: { errorMsg: input.errorMsg, completedAt: now },
      logs: [
        { ...failedLog, message: input.errorMsg },
        { ...failedLog, logType: 'ERROR', fromStatus: null, toStatus: null, message: finalMessage },
      ],
      at: now,
    },
  };
}

export function describeError(error: unknown): { message: string; detail: string | null } {
  if (error instanceof Error) {
    return {
      message: String(error.message || error.name),
      detail: error.stack?.split('\n').slice(0, 8).join('\n') ?? null,
    };
  }
  return { message: typeof error === 'string' ? error : safeStringify(error), detail: null };
}

/** A thrown non-Error value as text; JSON.stringify itself throws on a bigint or a cycle. */
function safeStringify(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    try {
      return String(value);
    } catch {
      return 'unknown error';
    }
  }
}
