import { InvalidParameterError, type Page, type PageRequest, type Task, type TaskFilter } from '../../core/index.ts';
import { decodeCursor, encodeCursor } from './cursor.ts';
import { lowerBound, type TimeKey } from './sorted-keys.ts';

export const MAX_PAGE_SIZE = 1000;

/**
 * One page of tasks, newest first, walking the (created_at, task_id) index backwards from the
 * cursor (or from `createdTo`) and stopping at `createdFrom`: the same keyset plan a database
 * runs on its created_at index.
 */
export function listTasksPage(
  byCreated: readonly TimeKey[],
  lookup: (taskId: string) => Task,
  filter: TaskFilter,
  page: PageRequest,
): Page<Task> {
  if (!Number.isInteger(page.limit) || page.limit < 1 || page.limit > MAX_PAGE_SIZE) {
    throw new InvalidParameterError(`limit must be an integer in 1..${MAX_PAGE_SIZE}`, { field: 'limit' });
  }
  let end = byCreated.length;
  if (page.cursor !== undefined) end = Math.min(end, lowerBound(byCreated, decodeCursor(page.cursor)));
  // '' sorts before every task id, so this is the first key with created_at >= createdTo.
  if (filter.createdTo) end = Math.min(end, lowerBound(byCreated, { ms: filter.createdTo.getTime(), id: '' }));
  const fromMs = filter.createdFrom?.getTime() ?? Number.NEGATIVE_INFINITY;
  const matches = taskMatcher(filter);

  const items: Task[] = [];
  let more = false;
  for (let i = end - 1; i >= 0; i--) {
    const key = byCreated[i] as TimeKey;
    if (key.ms < fromMs) break;
    const task = lookup(key.id);
    if (!matches(task)) continue;
    if (items.length === page.limit) {
      more = true;
      break;
    }
    items.push(task);
  }
  const last = items[items.length - 1];
  return more && last
    ? { items, nextCursor: encodeCursor({ ms: last.createdAt.getTime(), id: last.taskId }) }
    : { items };
}

/** How many tasks match the filter, over the same created_at window as the listing. */
export function countTasks(
  byCreated: readonly TimeKey[],
  lookup: (taskId: string) => Task,
  filter: TaskFilter,
): number {
  let end = byCreated.length;
  if (filter.createdTo) end = Math.min(end, lowerBound(byCreated, { ms: filter.createdTo.getTime(), id: '' }));
  const start = filter.createdFrom ? lowerBound(byCreated, { ms: filter.createdFrom.getTime(), id: '' }) : 0;
  const matches = taskMatcher(filter);
  let count = 0;
  for (let i = start; i < end; i++) if (matches(lookup((byCreated[i] as TimeKey).id))) count++;
  return count;
}

/** The filter's non-time conditions (status, type, priority, worker) as one predicate. */
function taskMatcher(filter: TaskFilter): (task: Task) => boolean {
  const statuses = filter.status && filter.status.length > 0 ? new Set(filter.status) : undefined;
  return (task) =>
    (!statuses || statuses.has(task.status)) &&
    (filter.taskType === undefined || task.taskType === filter.taskType) &&
    (filter.priority === undefined || task.priority === filter.priority) &&
    (filter.workerId === undefined || task.workerId === filter.workerId);
}
