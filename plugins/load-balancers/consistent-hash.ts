import type { LoadBalancer, Task, WorkerInfo } from '../../core/index.ts';
import { HashRing, hashKey } from './hash-ring.ts';

export const DEFAULT_VIRTUAL_NODES = 160;

/**
 * Routes a task by the hash of its id on a ring of workers, so the same task id always
 * lands on the same worker while it is a candidate, and a departing worker only gives up
 * its own keys.
 *
 * The ring is rebuilt only when a candidate is not on it (a worker joined) or when it
 * carries many members that are no longer candidates (workers left for good). A member
 * that is merely full for a moment stays on the ring and is walked past, which maps its
 * keys exactly as a ring without it would.
 */
export class ConsistentHashLoadBalancer implements LoadBalancer {
  readonly name = 'consistent_hash';
  private ring = new HashRing([], 0);

  constructor(private readonly virtualNodes: number = DEFAULT_VIRTUAL_NODES) {
    if (!Number.isInteger(virtualNodes) || virtualNodes < 1) {
      throw new RangeError(`virtualNodes must be a positive integer, got ${virtualNodes}`);
    }
  }

  select(workers: readonly WorkerInfo[], task: Task): WorkerInfo | undefined {
    if (workers.length === 0) return undefined;
    const byId = new Map(workers.map((w) => [w.workerId, w]));
    this.refreshRing(byId);
    const owner = this.ring.lookup(hashKey(task.taskId), (member) => byId.has(member));
    return owner === undefined ? undefined : byId.get(owner);
  }

  private refreshRing(candidates: ReadonlyMap<string, WorkerInfo>): void {
    let missing = false;
    for (const id of candidates.keys()) {
      if (!this.ring.members.has(id)) {
        missing = true;
        break;
      }
    }
    const stale = this.ring.members.size - candidates.size;
    if (missing || stale > candidates.size) {
      this.ring = new HashRing(candidates.keys(), this.virtualNodes);
    }
  }
}
