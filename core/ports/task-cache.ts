import type { Task } from '../domain/task.ts';

/**
 * Optional read cache (`task:cache:{id}`, TTL 300 s: docs/design.md#queues-and-redis-keys); a miss falls through to
 * storage. The core caches only tasks in a status that never changes (SUCCESS, CANCELLED),
 * so status changes need no invalidation; `drop` is for removing tasks (retention cleanup).
 */
export interface TaskCache {
  get(taskId: string): Promise<Task | undefined>;
  set(task: Task): Promise<void>;
  drop(taskIds: readonly string[]): Promise<void>;
}
