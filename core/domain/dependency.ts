import type { Task, TaskStatus } from './task.ts';
import type { NewTaskLog } from './task-log.ts';

/** How many tasks one task may depend on (docs/api.md, "Dependencies"). */
export const MAX_DEPENDENCIES = 1000;

/**
 * The state of one dependency edge, as storage keeps it:
 * WAITING until the dependency ends for good, then MET (it succeeded) or BROKEN (it ended in
 * another status, and the dependent is to be cancelled).
 */
export type DependencyEdgeState = 'WAITING' | 'MET' | 'BROKEN';

/**
 * How a dependency decides its edges, or undefined while it may still run: SUCCESS meets
 * them; CANCELLED, and FAILED/TIMEOUT with no automatic retry left, break them. A FAILED task
 * that a user retries later does not mend broken edges: its dependents are cancelled by then.
 */
export function edgeOutcome(
  task: Pick<Task, 'status' | 'retryCount' | 'maxRetry'>,
): Exclude<DependencyEdgeState, 'WAITING'> | undefined {
  if (task.status === 'SUCCESS') return 'MET';
  if (task.status === 'CANCELLED') return 'BROKEN';
  if ((task.status === 'FAILED' || task.status === 'TIMEOUT') && task.retryCount >= task.maxRetry) return 'BROKEN';
  return undefined;
}

/** The log line of a dependent cancelled because of one of its dependencies (SPEC §8.4). */
export function dependencyEndedMessage(dependencyId: string, status: TaskStatus): string {
  return `Dependency ${dependencyId} ended ${status}`;
}

/** The STATE_CHANGE row of a dependent cancelled because a dependency ended otherwise than SUCCESS. */
export function dependencyCancelLog(
  dependent: Pick<Task, 'taskId' | 'retryCount'>,
  dependencyId: string,
  status: TaskStatus,
  at: Date,
): NewTaskLog {
  return {
    taskId: dependent.taskId,
    logType: 'STATE_CHANGE',
    fromStatus: 'PENDING',
    toStatus: 'CANCELLED',
    message: dependencyEndedMessage(dependencyId, status),
    workerId: null,
    retryCount: dependent.retryCount,
    errorDetail: null,
    createdAt: at,
  };
}
