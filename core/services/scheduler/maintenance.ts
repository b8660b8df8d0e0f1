import type { TaskStatus } from '../../domain/task.ts';
import { LogMessage } from '../../domain/task-log.ts';
import { isWorkerHealthy, type WorkerInfo } from '../../domain/worker.ts';
import type { Clock } from '../../ports/clock.ts';
import type { CoordinationPort } from '../../ports/coordination.ts';
import type { EventBus } from '../../ports/event-bus.ts';
import type { Logger } from '../../ports/logger.ts';
import type { MetricsPort } from '../../ports/metrics.ts';
import type { TaskQueue } from '../../ports/queue.ts';
import type { StoragePort } from '../../ports/storage.ts';
import type { CoreConfig } from '../../config/config-schema.ts';
import { settleDependencies } from '../dependencies/settle.ts';
import { requeueFromWorker } from '../requeue.ts';
import { redispatchLost } from './redispatch-lost.ts';
import { planFailure } from '../retry-policy.ts';
import type { TaskStateWriter } from '../task-state.ts';
import type { TaskTypeCatalog } from '../task-type-catalog.ts';

const SCAN_BATCH = 500;
/** Batches one retention pass may delete, so a huge backlog is worked off over several passes. */
const MAX_RETENTION_BATCHES_PER_PASS = 50;

/** Final statuses by the retention setting that governs them. */
const RETENTION_CLASSES = [
  { setting: 'completed', statuses: ['SUCCESS'] },
  { setting: 'failed', statuses: ['FAILED', 'TIMEOUT'] },
  { setting: 'cancelled', statuses: ['CANCELLED'] },
] as const satisfies readonly { setting: 'completed' | 'failed' | 'cancelled'; statuses: readonly TaskStatus[] }[];

export interface MaintenanceDeps {
  config: CoreConfig;
  storage: StoragePort;
  queue: TaskQueue;
  coordination: CoordinationPort;
  clock: Clock;
  events: EventBus;
  metrics: MetricsPort;
  logger: Logger;
  state: TaskStateWriter;
  types: TaskTypeCatalog;
}

/**
 * The leader's periodic safety nets: the timeout scan, dead-worker recovery and the
 * reconciliation of PENDING tasks that are in no queue. Each pass is idempotent, so a
 * leader that dies mid-pass leaves work the next leader simply does again.
 */
export class Maintenance {
  constructor(private readonly deps: MaintenanceDeps) {}

  /** PROCESSING past started_at + timeout → TIMEOUT, then the retry policy. Returns how many. */
  async timeoutScan(): Promise<number> {
    const { storage, clock, state, queue, types, events, metrics } = this.deps;
    let total = 0;
    for (;;) {
      const now = clock.now();
      const overdue = await storage.findTimedOut(now, SCAN_BATCH);
      if (overdue.length === 0) return total;
      const plans = overdue.map((task) =>
        planFailure({
          task,
          type: types.cached(task.taskType),
          status: 'TIMEOUT',
          errorMsg: LogMessage.executionTimeout,
          errorDetail: `no outcome ${task.timeout}s after start (scheduler timeout scan)`,
          nonRetryable: false,
          workerId: task.workerId,
          now,
        }),
      );
      const { applied } = await state.transition(plans.map((p) => p.transition));
      const appliedSet = new Set(applied);
      const retries = plans.flatMap((p) => (p.retry && appliedSet.has(p.retry.taskId) ? [p.retry] : []));
      if (retries.length > 0) await queue.schedule(retries);
      for (const task of overdue) {
        if (!appliedSet.has(task.taskId)) continue;
        const plan = plans.find((p) => p.transition.taskId === task.taskId);
        metrics.recordTaskFailed(task.taskType, 'timeout');
        events.emit('task_failed', {
          taskId: task.taskId,
          taskType: task.taskType,
          workerId: task.workerId,
          status: 'TIMEOUT',
          error: LogMessage.executionTimeout,
          final: !plan?.retry,
        });
      }
      total += applied.length;
      if (overdue.length < SCAN_BATCH || applied.length === 0) return total;
    }
  }

  /** Workers whose heartbeat is older than heartbeat_timeout (or whose entry expired) are recovered. */
  async healthCheck(): Promise<string[]> {
    const { coordination, clock, config } = this.deps;
    const now = clock.now();
    const workers = await coordination.workers.listWorkers();
    const dead = workers.filter((w) => !isWorkerHealthy(w, now, config.worker.heartbeatTimeout));
    for (const worker of dead) await this.recoverWorker(worker);
    return dead.map((w) => w.workerId);
  }

  /**
   * Storage is the truth: every task PROCESSING on the dead worker goes back to PENDING
   * (guarded on that worker id) and is queued again; only then are the worker's lists and
   * registry entry removed, so a crash mid-way leaves the worker listed for the next pass.
   */
  async recoverWorker(worker: WorkerInfo): Promise<number> {
    const { storage, clock, queue, coordination, events, metrics, logger } = this.deps;
    let recovered = await this.requeueProcessing(worker.workerId);
    await queue.drainWorker(worker.workerId);
    await coordination.workers.removeWorker(worker.workerId);
    // `dispatch` refuses a worker once it is removed; one that raced the removal landed
    // before it, and this second pass takes it back.
    recovered += await this.requeueProcessing(worker.workerId);
    await queue.drainWorker(worker.workerId);
    await storage.markWorkerOffline(worker.workerId, clock.now()).catch(() => {});
    metrics.recordWorkerOffline(worker.workerId);
    events.emit('worker_offline', { workerId: worker.workerId, recoveredTasks: recovered });
    logger.warn({ workerId: worker.workerId, recovered }, 'worker considered dead; its tasks were recovered');
    return recovered;
  }

  private async requeueProcessing(workerId: string): Promise<number> {
    const { storage, clock, state, queue } = this.deps;
    let recovered = 0;
    for (;;) {
      const tasks = await storage.findProcessingByWorker(workerId, SCAN_BATCH);
      const applied = await requeueFromWorker(tasks, workerId, clock.now(), state, queue);
      recovered += applied;
      if (tasks.length < SCAN_BATCH || applied === 0) return recovered;
    }
  }

  /**
   * Retention: deletes finished tasks (with their logs) older than their status's setting, in
   * batches, oldest first. Returns how many went. A setting of 0 keeps that status forever.
   */
  async purgeFinished(): Promise<number> {
    const { storage, clock, config, metrics, logger } = this.deps;
    const { batchSize } = config.retention;
    let total = 0;
    let batches = 0;
    for (const { setting, statuses } of RETENTION_CLASSES) {
      const keepMs = config.retention[setting];
      if (keepMs <= 0) continue;
      const before = new Date(clock.now().getTime() - keepMs);
      for (const status of statuses) {
        while (batches < MAX_RETENTION_BATCHES_PER_PASS) {
          batches++;
          const deleted = await storage.deleteFinished([status], before, batchSize);
          if (deleted > 0) metrics.recordTasksDeleted?.(status, deleted);
          total += deleted;
          if (deleted < batchSize) break;
        }
      }
    }
    if (total > 0) logger.info({ deleted: total }, 'retention deleted finished tasks');
    return total;
  }

  /**
   * Due PENDING tasks in no queue (lost between the storage commit and the enqueue) are queued
   * again, and PROCESSING tasks whose dispatch was lost are dispatched again. Returns how many.
   */
  async reconcile(): Promise<number> {
    return (await this.settleLostDependencies()) + (await this.requeueUnqueued()) + (await redispatchLost(this.deps));
  }

  /**
   * Dependencies that ended for good while their edges still wait (the process that finished
   * them died before settling them): settled here, freeing or cancelling their dependents.
   */
  private async settleLostDependencies(): Promise<number> {
    const { storage, queue, clock, events, logger } = this.deps;
    const unsettled = await storage.findUnsettledDependencies(SCAN_BATCH);
    if (unsettled.length === 0) return 0;
    const moved = await settleDependencies(
      {
        storage,
        clock,
        events,
        enqueue: async (ready, delayed) => {
          if (ready.length > 0) await queue.enqueue(ready);
          if (delayed.length > 0) await queue.schedule(delayed);
        },
      },
      unsettled,
    );
    logger.warn({ dependencies: unsettled.length, dependents: moved }, 'reconciliation settled task dependencies');
    return moved;
  }

  private async requeueUnqueued(): Promise<number> {
    const { storage, queue, clock, config, logger } = this.deps;
    const dueBefore = new Date(clock.now().getTime() - config.scheduler.reconcileGrace);
    const due = await storage.findDuePending(dueBefore, 1_000);
    if (due.length === 0) return 0;
    const missing = new Set(await queue.findUnqueued(due.map((t) => t.taskId)));
    const lost = due.filter((t) => missing.has(t.taskId));
    if (lost.length > 0) {
      await queue.enqueue(lost.map((t) => ({ taskId: t.taskId, priority: t.priority })));
      logger.warn({ count: lost.length }, 'reconciliation queued PENDING tasks that were in no queue');
    }
    return lost.length;
  }
}
