import { findJsonProblem, MAX_RESULT_CHARS } from '../../domain/json-limits.ts';
import type { Task } from '../../domain/task.ts';
import { LogMessage } from '../../domain/task-log.ts';
import type { Clock } from '../../ports/clock.ts';
import type { EventBus } from '../../ports/event-bus.ts';
import type { MetricsPort } from '../../ports/metrics.ts';
import { infoLog, stateLog } from '../log-entries.ts';
import { recoveryTransition } from '../requeue.ts';
import { describeError, planFailure } from '../retry-policy.ts';
import type { TaskTypeCatalog } from '../task-type-catalog.ts';
import type { Outcome } from './outcome-committer.ts';
import type { ExecutionResult } from './task-execution.ts';

/** What a result must respect to be stored (docs/api.md, "Limits"). */
const RESULT_LIMITS = { maxChars: MAX_RESULT_CHARS };

export interface OutcomeParams {
  workerId: string;
  clock: Clock;
  types: TaskTypeCatalog;
  events: EventBus;
  metrics: MetricsPort;
}

/**
 * What an execution result means for the task: the guarded transition to write, the retry to
 * schedule, and the events and metrics once it is durable (the retry policy decides failures).
 */
export class OutcomeMapper {
  constructor(private readonly params: OutcomeParams) {}

  outcome(task: Task, result: ExecutionResult, durationMs: number): Outcome {
    const { workerId } = this.params;
    const now = this.params.clock.now();
    switch (result.kind) {
      case 'success': {
        const problem = findJsonProblem(result.result, 'result', RESULT_LIMITS);
        if (problem) return this.unstorable(task, `${problem.path} ${problem.message}`, durationMs);
        return {
          taskId: task.taskId,
          task,
          transition: {
            taskId: task.taskId,
            from: 'PROCESSING',
            expectedWorkerId: workerId,
            at: now,
            to: 'SUCCESS',
            patch: { result: result.result, completedAt: now, errorMsg: null },
            logs: [stateLog(task, 'PROCESSING', 'SUCCESS', LogMessage.completed, now, workerId)],
          },
          after: this.afterSuccess(task, durationMs),
        };
      }
      case 'cancelled':
        // The service already wrote CANCELLED; we only record that the executor stopped.
        return {
          taskId: task.taskId,
          logs: [infoLog(task.taskId, LogMessage.cancelledDuringExecution, now, workerId)],
        };
      case 'shutdown':
        return {
          taskId: task.taskId,
          transition: recoveryTransition(task, workerId, now),
          retry: { taskId: task.taskId, priority: task.priority, dueAt: now },
        };
      case 'timeout':
        return this.failure(
          task,
          'TIMEOUT',
          { message: LogMessage.executionTimeout, detail: result.error.message },
          false,
          durationMs,
        );
      case 'failed':
        return this.failure(task, 'FAILED', describeError(result.error), result.nonRetryable, durationMs);
    }
  }

  /**
   * A final FAILED saying why the real outcome cannot be kept (a result storage cannot hold,
   * or a row it refused): the task ends, and the worker goes on with the others.
   */
  unstorable(task: Task, reason: string, durationMs = 0): Outcome {
    return this.failure(
      task,
      'FAILED',
      { message: `${LogMessage.outcomeNotStored}: ${reason}`, detail: null },
      true,
      durationMs,
    );
  }

  private failure(
    task: Task,
    status: 'FAILED' | 'TIMEOUT',
    error: { message: string; detail: string | null },
    nonRetryable: boolean,
    durationMs: number,
  ): Outcome {
    const { workerId, metrics, events } = this.params;
    const plan = planFailure({
      task,
      type: this.params.types.cached(task.taskType),
      status,
      errorMsg: error.message,
      errorDetail: error.detail,
      nonRetryable,
      workerId,
      now: this.params.clock.now(),
    });
    return {
      taskId: task.taskId,
      task,
      transition: { ...plan.transition, expectedWorkerId: workerId },
      retry: plan.retry,
      after: (applied) => {
        if (!applied) return;
        metrics.recordTaskCompleted(task.taskType, durationMs / 1000, status);
        metrics.recordTaskFailed(
          task.taskType,
          status === 'TIMEOUT' ? 'timeout' : nonRetryable ? 'non_retryable' : 'error',
        );
        events.emit('task_failed', {
          taskId: task.taskId,
          taskType: task.taskType,
          workerId,
          status,
          error: plan.transition.patch.errorMsg ?? error.message,
          final: !plan.retry,
        });
        if (plan.retry) {
          events.emit('task_retried', {
            taskId: task.taskId,
            taskType: task.taskType,
            retryCount: plan.retry.retryCount,
            delayMs: plan.retry.delayMs,
          });
        }
      },
    };
  }

  /** Returned rather than written inline: a per-task closure that is not named costs less (no keepNames call). */
  private afterSuccess(task: Task, durationMs: number): (applied: boolean) => void {
    const { workerId, metrics, events } = this.params;
    return (applied) => {
      if (!applied) return;
      metrics.recordTaskCompleted(task.taskType, durationMs / 1000, 'SUCCESS');
      events.emit('task_completed', { taskId: task.taskId, taskType: task.taskType, workerId, durationMs });
    };
  }
}
