import type { Task } from '../../domain/task.ts';
import type { Clock } from '../../ports/clock.ts';
import type { EventBus } from '../../ports/event-bus.ts';
import type { DelayedEntry, QueueEntry } from '../../ports/queue.ts';
import type { StoragePort } from '../../ports/storage.ts';

/** Dependencies settled per storage call: one transaction of bounded size. */
export const SETTLE_CHUNK = 500;

export interface SettleDeps {
  storage: StoragePort;
  clock: Clock;
  events: EventBus;
  /** Queues the freed dependents (the task service's batcher, or the leader's queue). */
  enqueue(ready: readonly QueueEntry[], delayed: readonly DelayedEntry[]): Promise<void>;
}

/**
 * Settles the edges on dependencies that ended for good (DependencyStore#settleDependencies),
 * queues the dependents it freed and announces the ones it cancelled. A cancelled dependent is
 * itself a dependency that ended for good: its `task_cancelled` event brings it back here
 * (DependencyTracker), which makes the cancellation transitive. Returns how many dependents
 * were freed or cancelled.
 *
 * A crash anywhere in between leaves nothing stuck: a freed dependent is PENDING with every
 * edge MET, which `findDuePending` reconciliation queues; an unsettled edge on a finished
 * dependency is found by `findUnsettledDependencies` (the leader's reconciliation).
 */
export async function settleDependencies(deps: SettleDeps, dependencyIds: readonly string[]): Promise<number> {
  let moved = 0;
  for (let i = 0; i < dependencyIds.length; i += SETTLE_CHUNK) {
    const { ready, cancelled } = await deps.storage.settleDependencies(
      dependencyIds.slice(i, i + SETTLE_CHUNK),
      deps.clock.now(),
    );
    if (ready.length > 0) await release(deps, ready);
    for (const task of cancelled)
      deps.events.emit('task_cancelled', { taskId: task.taskId, taskType: task.taskType, from: 'PENDING' });
    moved += ready.length + cancelled.length;
  }
  return moved;
}

async function release(deps: SettleDeps, taskIds: readonly string[]): Promise<void> {
  const tasks = await deps.storage.getTasks(taskIds);
  const now = deps.clock.now().getTime();
  const ready: QueueEntry[] = [];
  const delayed: DelayedEntry[] = [];
  for (const task of tasks as Task[]) {
    if (task.status !== 'PENDING') continue;
    const entry = { taskId: task.taskId, priority: task.priority };
    if (task.scheduledAt.getTime() > now) delayed.push({ ...entry, dueAt: task.scheduledAt });
    else ready.push(entry);
  }
  await deps.enqueue(ready, delayed);
}
