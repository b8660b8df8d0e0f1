import type { Task } from '../../domain/task.ts';
import type { LazyAbort } from './lazy-abort.ts';

export interface Running {
  task: Task;
  abort: LazyAbort;
}

/**
 * The tasks a worker runs now, and the one party waiting for a slot to free: the consume loop
 * when every slot is busy, or the drain of a stopping worker.
 */
export class RunningTasks {
  private readonly running = new Map<string, Running>();
  private slotWaiter: (() => void) | undefined;

  get size(): number {
    return this.running.size;
  }

  add(task: Task, abort: LazyAbort): void {
    this.running.set(task.taskId, { task, abort });
  }

  get(taskId: string): Running | undefined {
    return this.running.get(taskId);
  }

  delete(taskId: string): void {
    this.running.delete(taskId);
  }

  values(): IterableIterator<Running> {
    return this.running.values();
  }

  /** Resolves at the next `wakeSlot` (a task finished, the capacity grew, or the worker stops). */
  waitForSlot(): Promise<void> {
    return new Promise<void>((resolve) => (this.slotWaiter = resolve));
  }

  wakeSlot(): void {
    const waiter = this.slotWaiter;
    this.slotWaiter = undefined;
    waiter?.();
  }

  /** Resolves once nothing runs, or after `timeoutMs`. */
  async waitUntilIdle(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.running.size > 0 && Date.now() < deadline) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.min(50, Math.max(1, deadline - Date.now())));
        this.slotWaiter = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
  }
}
