import type { WorkerInfo } from '../../core/index.ts';

/** Workers sorted by id: strategies that rotate need an order independent of the caller's. */
export function byWorkerId(workers: readonly WorkerInfo[]): WorkerInfo[] {
  return [...workers].sort((a, b) => (a.workerId < b.workerId ? -1 : a.workerId > b.workerId ? 1 : 0));
}
