import type { Task } from '../domain/task.ts';
import type { WorkerInfo } from '../domain/worker.ts';

/**
 * Picks a worker for a task. `workers` is never empty and holds only candidates:
 * healthy, ONLINE, supporting the task's type, with spare capacity; `currentLoad` is the
 * scheduler's live count (queued + running), not the last heartbeat's.
 */
export interface LoadBalancer {
  readonly name: string;
  select(workers: readonly WorkerInfo[], task: Task): WorkerInfo | undefined;
}
