import { injectable } from 'tsyringe';
import type { Task } from '../domain/task.ts';

/** Entries kept at most: a task handed over but never taken (its worker left) must not pile up. */
const MAX_ENTRIES = 100_000;

/**
 * Tasks the leader just wrote PROCESSING, as written, for a worker of the same process: that
 * worker takes them from here instead of reading back rows storage has just been told. A
 * worker in another process (or a task evicted from here) reads storage as usual; the worker
 * checks each task is addressed to it, and a cancel that came meanwhile still wins (the
 * worker remembers cancel signals for tasks it does not run yet).
 */
@injectable()
export class LocalHandoff {
  private readonly tasks = new Map<string, Task>();
  /** The id of this process's worker, once it runs; nothing is handed to other workers. */
  localWorkerId: string | undefined;

  put(task: Task): void {
    if (this.tasks.size >= MAX_ENTRIES) {
      const oldest = this.tasks.keys().next().value;
      if (oldest !== undefined) this.tasks.delete(oldest);
    }
    this.tasks.set(task.taskId, task);
  }

  /** The task handed over for `workerId`, removed from here; undefined when there is none. */
  take(taskId: string, workerId: string): Task | undefined {
    const task = this.tasks.get(taskId);
    if (task === undefined) return undefined;
    this.tasks.delete(taskId);
    return task.workerId === workerId ? task : undefined;
  }

  /** The leader handed nothing over after all (the dispatch was refused). */
  drop(taskId: string): void {
    this.tasks.delete(taskId);
  }
}
