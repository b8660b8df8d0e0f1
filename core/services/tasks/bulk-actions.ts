import { InvalidParameterError } from '../../domain/errors.ts';
import type { Task, TaskStatus } from '../../domain/task.ts';
import { LogMessage } from '../../domain/task-log.ts';
import type { Clock } from '../../ports/clock.ts';
import type { CancelSignals } from '../../ports/coordination.ts';
import type { EventBus } from '../../ports/event-bus.ts';
import type { StoragePort, TaskFilter, TaskTransition } from '../../ports/storage.ts';
import { stateLog } from '../log-entries.ts';
import type { TaskStateWriter } from '../task-state.ts';
import type { EnqueueBatcher } from './enqueue-batcher.ts';

/** The filter of POST /tasks/retry and /tasks/cancel (SPEC §8.4). */
export interface BulkFilter {
  status?: TaskStatus[];
  taskType?: string;
  createdFrom?: Date;
  createdTo?: Date;
}

/** Tasks one bulk call moves when it gives no limit, and the most it may ask for. */
export const DEFAULT_BULK_LIMIT = 1000;
export const MAX_BULK_LIMIT = 100_000;
/** Tasks read and written per step: one listing page, one guarded transition batch. */
const BULK_BATCH = 500;

export interface BulkDeps {
  storage: StoragePort;
  state: TaskStateWriter;
  clock: Clock;
  events: EventBus;
  enqueue: EnqueueBatcher;
  cancels: CancelSignals;
}

/** The statuses a bulk move may start from, narrowed by the filter's own statuses. */
function sources(legal: readonly TaskStatus[], filter: BulkFilter): TaskStatus[] {
  return filter.status ? legal.filter((s) => filter.status!.includes(s)) : [...legal];
}

function checkedLimit(limit: number | undefined): number {
  const value = limit ?? DEFAULT_BULK_LIMIT;
  if (!Number.isInteger(value) || value < 1 || value > MAX_BULK_LIMIT)
    throw new InvalidParameterError(`limit must be an integer from 1 to ${MAX_BULK_LIMIT}`, { field: 'limit' });
  return value;
}

/**
 * Walks the tasks the filter matches, newest first as listings go, in bounded batches: each batch is one page read and one guarded transition write, so a task that
 * changed status since it was read is skipped (not counted), never moved from a wrong status.
 * Returns how many tasks moved.
 */
async function walk(
  deps: BulkDeps,
  legal: readonly TaskStatus[],
  filter: BulkFilter,
  limit: number | undefined,
  move: (tasks: Task[]) => Promise<number>,
): Promise<number> {
  const max = checkedLimit(limit);
  const status = sources(legal, filter);
  if (status.length === 0) return 0;
  const listFilter: TaskFilter = { ...filter, status };
  let moved = 0;
  let cursor: string | undefined;
  while (moved < max) {
    const page = await deps.storage.listTasks(listFilter, {
      limit: Math.min(BULK_BATCH, max - moved),
      ...(cursor !== undefined ? { cursor } : {}),
    });
    const tasks = page.items.filter((t) => status.includes(t.status));
    if (tasks.length > 0) moved += await move(tasks);
    if (page.nextCursor === undefined || page.items.length === 0) break;
    cursor = page.nextCursor;
  }
  return moved;
}

/** FAILED / TIMEOUT → PENDING with a fresh retry budget, as the single retry does (retry-task.ts). */
export function bulkRetry(deps: BulkDeps, filter: BulkFilter, limit?: number): Promise<number> {
  return walk(deps, ['FAILED', 'TIMEOUT'], filter, limit, async (tasks) => {
    const now = deps.clock.now();
    const changes: TaskTransition[] = tasks.map((task) => ({
      taskId: task.taskId,
      from: task.status,
      to: 'PENDING',
      patch: { retryCount: 0, workerId: null, startedAt: null, completedAt: null, scheduledAt: now },
      logs: [
        {
          ...stateLog(task, task.status, 'PENDING', LogMessage.manualRetry, now, null),
          logType: 'RETRY',
          retryCount: 0,
        },
      ],
      at: now,
    }));
    const { applied } = await deps.state.transition(changes);
    const moved = new Set(applied);
    const retried = tasks.filter((t) => moved.has(t.taskId));
    await deps.enqueue.add(
      retried.map((t) => ({ taskId: t.taskId, priority: t.priority })),
      [],
    );
    for (const task of retried)
      deps.events.emit('task_retried', { taskId: task.taskId, taskType: task.taskType, retryCount: 0, delayMs: 0 });
    return retried.length;
  });
}

/** PENDING / PROCESSING → CANCELLED, running executors told to abort, as the single cancel does (cancel-task.ts). */
export function bulkCancel(deps: BulkDeps, filter: BulkFilter, limit?: number): Promise<number> {
  return walk(deps, ['PENDING', 'PROCESSING'], filter, limit, async (tasks) => {
    const now = deps.clock.now();
    const changes: TaskTransition[] = tasks.map((task) => ({
      taskId: task.taskId,
      from: task.status,
      to: 'CANCELLED',
      ...(task.workerId !== null ? { expectedWorkerId: task.workerId } : {}),
      patch: { completedAt: now },
      logs: [stateLog(task, task.status, 'CANCELLED', LogMessage.cancelledByUser, now, task.workerId)],
      at: now,
    }));
    const { applied } = await deps.state.transition(changes);
    const moved = new Set(applied);
    const cancelled = tasks.filter((t) => moved.has(t.taskId));
    for (const task of cancelled) {
      if (task.status === 'PROCESSING') await deps.cancels.requestCancel(task.taskId, task.workerId);
      deps.events.emit('task_cancelled', { taskId: task.taskId, taskType: task.taskType, from: task.status });
    }
    return cancelled.length;
  });
}
