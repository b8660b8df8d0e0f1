import type { Task } from '../../domain/task.ts';
import type { TaskTypeConfig } from '../../domain/task-type.ts';
import type { WorkerInfo } from '../../domain/worker.ts';
import type { LoadBalancer } from '../../ports/load-balancer.ts';

export interface DispatchPlan {
  /** worker id → tasks, in claim order. */
  assignments: Map<string, Task[]>;
  /** Tasks no worker can take now (no capable worker, no capacity, type at max_concurrent). */
  deferred: Task[];
}

/**
 * Pure assignment of claimed tasks to workers: per-worker capacity, per-type max_concurrent
 * (0 = no cap) and the load balancer's choice among the workers that can take the task.
 * `workers` carry live loads; the plan updates copies of them as it assigns.
 */
export function planDispatch(
  tasks: readonly Task[],
  workers: readonly WorkerInfo[],
  types: (taskType: string) => TaskTypeConfig | undefined,
  processingByType: ReadonlyMap<string, number>,
  balancer: LoadBalancer,
): DispatchPlan {
  const loads = new Map(workers.map((w) => [w.workerId, w.currentLoad]));
  const running = new Map(processingByType);
  const assignments = new Map<string, Task[]>();
  const deferred: Task[] = [];
  const candidatesByType = new Map<string, WorkerInfo[]>();

  for (const task of tasks) {
    const type = types(task.taskType);
    const cap = type?.maxConcurrent ?? 0;
    const inFlight = running.get(task.taskType) ?? 0;
    if (cap > 0 && inFlight >= cap) {
      deferred.push(task);
      continue;
    }
    let capable = candidatesByType.get(task.taskType);
    if (!capable) {
      capable = workers.filter((w) => w.supportedTypes.includes(task.taskType));
      candidatesByType.set(task.taskType, capable);
    }
    const candidates = capable
      .filter((w) => (loads.get(w.workerId) ?? 0) < w.capacity)
      .map((w) => ({ ...w, currentLoad: loads.get(w.workerId) ?? 0 }));
    const chosen = candidates.length > 0 ? balancer.select(candidates, task) : undefined;
    if (!chosen) {
      deferred.push(task);
      continue;
    }
    loads.set(chosen.workerId, (loads.get(chosen.workerId) ?? 0) + 1);
    running.set(task.taskType, inFlight + 1);
    const list = assignments.get(chosen.workerId);
    if (list) list.push(task);
    else assignments.set(chosen.workerId, [task]);
  }
  return { assignments, deferred };
}
