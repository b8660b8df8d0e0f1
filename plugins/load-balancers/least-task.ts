import type { LoadBalancer, Task, WorkerInfo } from '../../core/index.ts';

/** Orders workers by load, then by how full they are, then by id, so equal inputs give equal picks. */
export function compareByLoad(a: WorkerInfo, b: WorkerInfo): number {
  if (a.currentLoad !== b.currentLoad) return a.currentLoad - b.currentLoad;
  const fillA = a.currentLoad / Math.max(1, a.capacity);
  const fillB = b.currentLoad / Math.max(1, b.capacity);
  if (fillA !== fillB) return fillA - fillB;
  return a.workerId < b.workerId ? -1 : a.workerId > b.workerId ? 1 : 0;
}

/** Picks the least loaded worker among the candidates (one pass, no sort). */
export function leastLoaded(workers: readonly WorkerInfo[]): WorkerInfo | undefined {
  let best: WorkerInfo | undefined;
  for (const worker of workers) {
    if (best === undefined || compareByLoad(worker, best) < 0) best = worker;
  }
  return best;
}

/** The default strategy: the candidate with the fewest queued + running tasks. */
export class LeastTaskLoadBalancer implements LoadBalancer {
  readonly name = 'least_task';

  select(workers: readonly WorkerInfo[], _task: Task): WorkerInfo | undefined {
    return leastLoaded(workers);
  }
}
