import { isNonRetryable } from '../domain/errors.ts';
import type { JsonValue } from '../domain/json.ts';
import type { Task } from '../domain/task.ts';
import type { TaskTypeConfig } from '../domain/task-type.ts';
import {
  CancelSignalReason,
  ShutdownSignalReason,
  TimeoutSignalReason,
  type ExecutionContext,
  type Executor,
} from '../ports/executor.ts';

export type ExecutionResult =
  | { kind: 'success'; result: JsonValue | null }
  | { kind: 'failed'; error: unknown; nonRetryable: boolean }
  | { kind: 'timeout'; error: TimeoutSignalReason }
  | { kind: 'cancelled' }
  | { kind: 'shutdown' };

/**
 * Runs one task through its executor under an AbortSignal that fires on the task's timeout,
 * on cancel and on shutdown. The race with the signal frees the slot even when an executor
 * ignores its signal (its promise is left to settle on its own).
 */
export async function executeWithDeadline(
  executor: Executor,
  task: Task,
  controller: AbortController,
  makeContext: (signal: AbortSignal) => ExecutionContext,
): Promise<ExecutionResult> {
  const timer = setTimeout(() => controller.abort(new TimeoutSignalReason(task.timeout)), task.timeout * 1000);
  const aborted = new Promise<never>((_, reject) => {
    if (controller.signal.aborted) reject(controller.signal.reason);
    controller.signal.addEventListener('abort', () => reject(controller.signal.reason), { once: true });
  });
  try {
    const run = Promise.resolve().then(() => executor.execute(task, makeContext(controller.signal)));
    run.catch(() => {}); // settled late after an abort; nothing is waiting for it any more
    const value = await Promise.race([run, aborted]);
    return { kind: 'success', result: value === undefined ? null : (value as JsonValue) };
  } catch (error) {
    const reason: unknown = controller.signal.aborted ? controller.signal.reason : undefined;
    if (reason instanceof TimeoutSignalReason) return { kind: 'timeout', error: reason };
    if (reason instanceof CancelSignalReason) return { kind: 'cancelled' };
    if (reason instanceof ShutdownSignalReason) return { kind: 'shutdown' };
    return { kind: 'failed', error, nonRetryable: isNonRetryable(error) };
  } finally {
    clearTimeout(timer);
  }
}

export function missingExecutorError(type: TaskTypeConfig | undefined, taskType: string): Error {
  return new Error(`executor not found: ${type?.executorType ?? 'none'} for task type ${taskType}`);
}
