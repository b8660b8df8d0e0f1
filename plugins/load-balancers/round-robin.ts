import type { LoadBalancer, Task, WorkerInfo } from '../../core/index.ts';
import { byWorkerId } from './worker-order.ts';

/**
 * A counter modulo the number of candidates. Candidates are ordered by id so the rotation
 * does not depend on the order the registry happened to list them in.
 */
export class RoundRobinLoadBalancer implements LoadBalancer {
  readonly name = 'round_robin';
  private counter = 0;

  select(workers: readonly WorkerInfo[], _task: Task): WorkerInfo | undefined {
    if (workers.length === 0) return undefined;
    const ordered = byWorkerId(workers);
    const picked = ordered[this.counter % ordered.length];
    // Wrap well before 2^53 so the modulo stays exact in a long-running scheduler.
    this.counter = (this.counter + 1) % Number.MAX_SAFE_INTEGER;
    return picked;
  }
}
