import type { CoreConfig } from '../../config/config-schema.ts';
import { isWorkerHealthy } from '../../domain/worker.ts';
import type { Clock } from '../../ports/clock.ts';
import type { CoordinationPort } from '../../ports/coordination.ts';
import type { Logger } from '../../ports/logger.ts';
import type { TaskQueue } from '../../ports/queue.ts';
import type { StoragePort } from '../../ports/storage.ts';

/** Tasks per worker looked at in one pass; the rest wait for the next pass. */
const PER_WORKER = 1_000;

export interface RedispatchDeps {
  config: CoreConfig;
  storage: StoragePort;
  queue: TaskQueue;
  coordination: CoordinationPort;
  clock: Clock;
  logger: Logger;
}

/**
 * Reconciliation of dispatched tasks (docs/architecture.md, "Safety nets"). A task storage
 * has PROCESSING on a healthy worker for longer than `reconcileGrace`, whose id is in neither
 * the claimed list nor that worker's queue or processing list, lost its dispatch: Redis
 * dropped its latest writes (a failover to a replica that lagged, a restart without fsync).
 * It is dispatched again to the same worker, which starts it as usual; without this it would
 * wait for the timeout scan, that is its whole timeout. A task that finished meanwhile is
 * harmless: the worker checks every id against storage before it starts it.
 */
export async function redispatchLost(deps: RedispatchDeps): Promise<number> {
  const { config, storage, queue, coordination, clock, logger } = deps;
  const now = clock.now();
  const startedBefore = now.getTime() - config.scheduler.reconcileGrace;
  const workers = (await coordination.workers.listWorkers()).filter((w) =>
    isWorkerHealthy(w, now, config.worker.heartbeatTimeout),
  );
  const candidates: { taskId: string; workerId: string }[] = [];
  for (const worker of workers) {
    const tasks = await storage.findProcessingByWorker(worker.workerId, PER_WORKER);
    for (const task of tasks) {
      if (task.startedAt && task.startedAt.getTime() <= startedBefore)
        candidates.push({ taskId: task.taskId, workerId: worker.workerId });
    }
  }
  if (candidates.length === 0) return 0;
  const lost = new Set(await queue.findUndispatched(candidates));
  if (lost.size === 0) return 0;
  const byWorker = new Map<string, string[]>();
  for (const { taskId, workerId } of candidates)
    if (lost.has(taskId)) byWorker.set(workerId, [...(byWorker.get(workerId) ?? []), taskId]);
  let redispatched = 0;
  for (const [workerId, ids] of byWorker) redispatched += (await queue.dispatch(workerId, ids)).dispatched.length;
  logger.warn({ count: redispatched }, 'reconciliation dispatched again PROCESSING tasks whose dispatch was lost');
  return redispatched;
}
