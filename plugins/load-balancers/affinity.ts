import type { LoadBalancer, Task, WorkerInfo } from '../../core/index.ts';
import { leastLoaded } from './least-task.ts';

/**
 * Sticky per task type: tasks of one type go to the same worker while it stays a candidate
 * (warm caches, open connections); otherwise the least loaded candidate is chosen and
 * remembered for that type.
 */
export class AffinityLoadBalancer implements LoadBalancer {
  readonly name = 'affinity';
  private readonly workerByType = new Map<string, string>();

  select(workers: readonly WorkerInfo[], task: Task): WorkerInfo | undefined {
    const stickyId = this.workerByType.get(task.taskType);
    if (stickyId !== undefined) {
      const sticky = workers.find((w) => w.workerId === stickyId);
      if (sticky) return sticky;
    }
    const chosen = leastLoaded(workers);
    if (chosen) this.workerByType.set(task.taskType, chosen.workerId);
    return chosen;
  }

  /** The worker currently remembered for a task type (for diagnostics and tests). */
  assignedWorker(taskType: string): string | undefined {
    return this.workerByType.get(taskType);
  }
}
