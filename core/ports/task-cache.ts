import type { Task } from '../domain/task.ts';

/**
 * Optional read cache (SPEC §3 `task:cache:{id}`, TTL 300 s). Every status change drops
 * the entry; a miss falls through to storage.
 */
export interface TaskCache {
  get(taskId: string): Promise<Task | undefined>;
  set(task: Task): Promise<void>;
  drop(taskIds: readonly string[]): Promise<void>;
}
