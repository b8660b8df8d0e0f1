import { NonRetryableError } from '../../domain/errors.ts';
import type { Task } from '../../domain/task.ts';
import type { HookRegistry } from '../../ports/hooks.ts';
import type { Logger } from '../../ports/logger.ts';
import type { Tracer } from '../../ports/tracer.ts';
import type { ExecutorRegistry } from '../executor-registry.ts';
import type { TaskTypeCatalog } from '../task-type-catalog.ts';
import { endExecuteSpan, startExecuteSpan } from './execute-span.ts';
import { TaskExecutionContext, type ContextServices } from './execution-context.ts';
import { LazyAbort } from './lazy-abort.ts';
import type { OutcomeCommitter, Outcome } from './outcome-committer.ts';
import type { OutcomeMapper } from './outcomes.ts';
import type { RunningTasks } from './running-tasks.ts';
import { executeWithDeadline, missingExecutorError, type ExecutionResult } from './task-execution.ts';

export interface TaskRunnerParams {
  workerId: string;
  running: RunningTasks;
  hooks: HookRegistry;
  executors: ExecutorRegistry;
  types: TaskTypeCatalog;
  contextServices: ContextServices;
  outcomes: OutcomeMapper;
  committer: OutcomeCommitter;
  log: Logger;
  /** Given only while tracing is on: otherwise running a task does no tracing work at all. */
  tracer?: Tracer | undefined;
}

/**
 * Runs one task in a slot: the task hooks, its executor under an abort (timeout, cancel,
 * shutdown), then its outcome handed to the group commit and the slot freed.
 */
export class TaskRunner {
  constructor(private readonly params: TaskRunnerParams) {}

  run(task: Task): void {
    const abort = new LazyAbort();
    this.params.running.add(task, abort);
    void this.execute(task, abort);
  }

  private async execute(task: Task, abort: LazyAbort): Promise<void> {
    const { hooks, executors, types, workerId, running } = this.params;
    const startedAt = performance.now();
    const span = this.params.tracer ? startExecuteSpan(this.params.tracer, task, workerId) : undefined;
    let result: ExecutionResult;
    try {
      // Checked first: with no hook registered, no arguments, promise or await per task.
      if (hooks.hasHandlers('task:before-execute')) await hooks.callHook('task:before-execute', task);
      const executor = executors.get(task.taskType);
      const type = types.fresh(task.taskType) ?? (await types.find(task.taskType));
      if (!executor || !type) {
        result = {
          kind: 'failed',
          error: new NonRetryableError(missingExecutorError(type, task.taskType).message),
          nonRetryable: true,
        };
      } else {
        const context = new TaskExecutionContext(task, type, workerId, abort, this.params.contextServices);
        if (span) context.traceParent = span.traceParent;
        result = await executeWithDeadline(executor, task, abort, context);
        // Only a task that reported progress waits here (its last progress lands before the outcome).
        const progressWritten = context.finish();
        if (progressWritten) await progressWritten;
      }
    } catch (error) {
      result = { kind: 'failed', error, nonRetryable: false };
    }
    const durationMs = performance.now() - startedAt;
    if (span) endExecuteSpan(span, result);
    running.delete(task.taskId);
    let outcome: Outcome;
    try {
      outcome = this.params.outcomes.outcome(task, result, durationMs);
    } catch (error) {
      // An executor's error or result that cannot even be described: the task still ends.
      outcome = this.params.outcomes.unstorable(
        task,
        error instanceof Error ? error.message : 'the outcome could not be read',
      );
    }
    this.params.committer.add(outcome);
    running.wakeSlot();
    if (!hooks.hasHandlers('task:after-execute')) return;
    const status =
      result.kind === 'success'
        ? 'SUCCESS'
        : result.kind === 'timeout'
          ? 'TIMEOUT'
          : result.kind === 'failed'
            ? 'FAILED'
            : 'CANCELLED';
    try {
      await hooks.callHook('task:after-execute', task, {
        status,
        result: result.kind === 'success' ? result.result : null,
        error: result.kind === 'failed' ? result.error : undefined,
        durationMs,
      });
    } catch (error) {
      this.params.log.error({ err: error }, 'task:after-execute hook failed');
    }
  }
}
