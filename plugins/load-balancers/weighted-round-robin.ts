import type { LoadBalancer, Task, WorkerInfo } from '../../core/index.ts';
import { byWorkerId } from './worker-order.ts';

function weightOf(worker: WorkerInfo): number {
  return Number.isFinite(worker.weight) && worker.weight > 0 ? worker.weight : 1;
}

/**
 * Smooth weighted round robin (nginx): each pick adds every candidate's weight to its
 * running score, takes the highest score and subtracts the total weight from it. Over one
 * cycle of sum(weights) picks each worker is chosen exactly `weight` times, interleaved
 * rather than in bursts (weights 5,1,1 give a a b a c a a, not a a a a a b c).
 */
export class WeightedRoundRobinLoadBalancer implements LoadBalancer {
  readonly name = 'weighted_round_robin';
  private readonly scores = new Map<string, number>();

  select(workers: readonly WorkerInfo[], _task: Task): WorkerInfo | undefined {
    if (workers.length === 0) return undefined;
    let total = 0;
    let best: WorkerInfo | undefined;
    let bestScore = -Infinity;
    for (const worker of byWorkerId(workers)) {
      const weight = weightOf(worker);
      const score = (this.scores.get(worker.workerId) ?? 0) + weight;
      this.scores.set(worker.workerId, score);
      total += weight;
      if (score > bestScore) {
        best = worker;
        bestScore = score;
      }
    }
    if (best === undefined) return undefined;
    this.scores.set(best.workerId, bestScore - total);
    this.forgetDepartedWorkers(workers);
    return best;
  }

  /** Workers come and go; keep the score table from growing with every id ever seen. */
  private forgetDepartedWorkers(workers: readonly WorkerInfo[]): void {
    if (this.scores.size <= workers.length * 4 + 16) return;
    const present = new Set(workers.map((w) => w.workerId));
    for (const id of this.scores.keys()) {
      if (!present.has(id)) this.scores.delete(id);
    }
  }
}
