import { isNonRetryable } from '../../domain/errors.ts';
import type { JsonValue } from '../../domain/json.ts';
import type { Task } from '../../domain/task.ts';
import type { TaskTypeConfig } from '../../domain/task-type.ts';
import { CancelSignalReason, ShutdownSignalReason, TimeoutSignalReason } from '../../domain/signal-reasons.ts';
import type { ExecutionContext, Executor } from '../../ports/executor.ts';
import type { LazyAbort } from './lazy-abort.ts';

export type ExecutionResult =
  | { kind: 'success'; result: JsonValue | null }
  | { kind: 'failed'; error: unknown; nonRetryable: boolean }
  | { kind: 'timeout'; error: TimeoutSignalReason }
  | { kind: 'cancelled' }
  | { kind: 'shutdown' };

/**
 * Runs one task through its executor under an abort that fires on the task's timeout, on
 * cancel and on shutdown. The abort settles the result at once, which frees the slot even
 * when an executor ignores its signal (its promise is left to settle on its own).
 */
export function executeWithDeadline(
  executor: Executor,
  task: Task,
  abort: LazyAbort,
  context: ExecutionContext,
): Promise<ExecutionResult> {
  return new Promise<ExecutionResult>((resolve) => {
    const settle = new SettleOnce(resolve);
    settle.timer = setTimeout(() => abort.abort(new TimeoutSignalReason(task.timeout)), task.timeout * 1000);
    abort.onAbort((reason) => settle.finish(abortedResult(reason, reason)));
    let run: unknown;
    try {
      run = executor.execute(task, context);
    } catch (error) {
      settle.finish(failedResult(abort, error));
      return;
    }
    Promise.resolve(run).then(
      (value) => settle.finish({ kind: 'success', result: value === undefined ? null : (value as JsonValue) }),
      (error: unknown) => settle.finish(failedResult(abort, error)),
    );
  });
}

/** The first outcome wins (the executor, or the abort that raced it) and clears the deadline. */
class SettleOnce {
  timer: NodeJS.Timeout | undefined;
  private settled = false;

  constructor(private readonly resolve: (result: ExecutionResult) => void) {}

  finish(result: ExecutionResult): void {
    if (this.settled) return;
    this.settled = true;
    clearTimeout(this.timer);
    this.resolve(result);
  }
}

/** A failure after an abort is the abort's outcome (the executor gave up because it was told to). */
function failedResult(abort: LazyAbort, error: unknown): ExecutionResult {
  return abort.aborted
    ? abortedResult(abort.reason, error)
    : { kind: 'failed', error, nonRetryable: isNonRetryable(error) };
}

function abortedResult(reason: unknown, error: unknown): ExecutionResult {
  if (reason instanceof TimeoutSignalReason) return { kind: 'timeout', error: reason };
  if (reason instanceof CancelSignalReason) return { kind: 'cancelled' };
  if (reason instanceof ShutdownSignalReason) return { kind: 'shutdown' };
  return { kind: 'failed', error, nonRetryable: isNonRetryable(error) };
}

export function missingExecutorError(type: TaskTypeConfig | undefined, taskType: string): Error {
  return new Error(`executor not found: ${type?.executorType ?? 'none'} for task type ${taskType}`);
}
