import { inject, injectable } from 'tsyringe';
import type { Task } from '../domain/task.ts';
import { LogMessage } from '../domain/task-log.ts';
import { isWorkerHealthy, type WorkerInfo } from '../domain/worker.ts';
import type { Clock, IdGenerator } from '../ports/clock.ts';
import type { CoordinationPort } from '../ports/coordination.ts';
import type { EventBus } from '../ports/event-bus.ts';
import type { Logger } from '../ports/logger.ts';
import type { MetricsPort } from '../ports/metrics.ts';
import type { QueueEntry, TaskQueue } from '../ports/queue.ts';
import type { StoragePort, TaskTransition } from '../ports/storage.ts';
import type { ResolvedConfig } from '../runtime/config-schema.ts';
import { TOKENS } from '../runtime/tokens.ts';
import { AdaptiveRoom } from './adaptive-room.ts';
import { planDispatch } from './dispatch-planner.ts';
import { LeaderState } from './leader-state.ts';
import { LocalHandoff } from './local-handoff.ts';
import { delay, Leadership } from './leadership.ts';
import { LoadBalancerRegistry } from './load-balancer-registry.ts';
import { stateLog } from './log-entries.ts';
import { Maintenance } from './maintenance.ts';
import { recoveryTransition } from './requeue.ts';
import { TaskStateWriter } from './task-state.ts';
import { TaskTypeCatalog } from './task-type-catalog.ts';
import { nodeIdOf } from './worker.ts';

/** How long the leader reuses its list of registered workers (loads are read fresh every tick). */
const WORKER_LIST_TTL_MS = 250;
const UNSERVED_WARNING_INTERVAL_MS = 60_000;

/**
 * The scheduler (SPEC §4): only the leader works. It claims batches (HIGH first), assigns
 * them with the load balancer under capacity and max_concurrent, writes PENDING → PROCESSING
 * and pushes to worker queues; it also promotes due delayed tasks and runs the maintenance
 * passes. New work wakes the loop; `scanInterval` is only a fallback tick.
 */
@injectable()
export class Scheduler {
  readonly id: string;
  private readonly log: Logger;
  private readonly leadership: Leadership;
  private readonly maintenance: Maintenance;
  private termLoops: Promise<unknown> | undefined;
  private workersCache: { at: number; workers: WorkerInfo[] } | undefined;
  private lastPromoteAt = -Infinity;
  private rateWindow = { startedAt: 0, dispatched: 0 };
  private readonly unservedWarnedAt = new Map<string, number>();
  private readonly room = new AdaptiveRoom();

  constructor(
    @inject(TOKENS.Config) private readonly config: ResolvedConfig,
    @inject(TOKENS.Storage) private readonly storage: StoragePort,
    @inject(TOKENS.Queue) private readonly queue: TaskQueue,
    @inject(TOKENS.Coordination) private readonly coordination: CoordinationPort,
    @inject(TOKENS.Clock) private readonly clock: Clock,
    @inject(TOKENS.EventBus) private readonly events: EventBus,
    @inject(TOKENS.Metrics) private readonly metrics: MetricsPort,
    @inject(TOKENS.Logger) logger: Logger,
    @inject(TOKENS.IdGenerator) newId: IdGenerator,
    @inject(TaskStateWriter) private readonly state: TaskStateWriter,
    @inject(TaskTypeCatalog) private readonly types: TaskTypeCatalog,
    @inject(LeaderState) private readonly leaderState: LeaderState,
    @inject(LoadBalancerRegistry) private readonly balancers: LoadBalancerRegistry,
    @inject(LocalHandoff) private readonly handoff: LocalHandoff,
  ) {
    this.id = `scheduler-${nodeIdOf(config)}-${newId().slice(0, 8)}`;
    this.log = logger.child({ component: 'scheduler', schedulerId: this.id });
    this.maintenance = new Maintenance({ config, storage, queue, coordination, clock, events, metrics, logger: this.log, state, types });
    const s = config.scheduler;
    this.leadership = new Leadership(
      coordination.leader,
      { candidateId: this.id, ttlMs: s.leaderLockTtl, renewIntervalMs: s.leaderRenewInterval, followerRetryMs: Math.min(s.leaderRenewInterval, 1_000) },
      { onElected: (term) => this.onElected(term), onLost: (reason) => this.onLost(reason) },
      clock,
      this.log,
    );
    leaderState.schedulerId = this.id;
  }

  get isLeader(): boolean {
    return this.leadership.isLeader;
  }

  start(): void {
    this.balancers.require(this.config.scheduler.loadBalancer);
    this.metrics.recordSchedulerElection(this.id, false);
    this.leadership.start();
  }

  async stop(): Promise<void> {
    await this.leadership.stop();
    await this.termLoops;
  }

  /** One dispatch round; returns how many tasks went to workers. Public for deterministic tests. */
  async tick(): Promise<number> {
    await this.promoteDueIfTime();
    const workers = await this.healthyWorkers();
    if (workers.length === 0) return 0;
    const startedAt = performance.now();
    const prefetch = this.config.scheduler.prefetch;
    // What a worker may hold (running + queued): its slots plus the prefetch, measured ("auto")
    // or a fixed multiple of its capacity.
    const rooms =
      prefetch === 'auto'
        ? this.room.rooms(workers)
        : workers.map((w) => ({ workerId: w.workerId, maxLoad: Math.ceil(w.capacity * (1 + prefetch)) }));
    const limit = Math.min(this.config.scheduler.batchSize, this.rateAllowance());
    if (limit <= 0) return 0;
    // Loads and the claim in one step: claims only as many as the workers have room for.
    const { loads, claimed } = await this.queue.claimFor(rooms, limit);
    this.room.observe(loads, Date.now());
    if (claimed.length === 0) return 0;
    const live = workers.map((w, i) => ({ ...w, capacity: rooms[i]!.maxLoad, currentLoad: loads.get(w.workerId) ?? 0 }));
    const now = this.clock.now();
    const tasks = await this.storage.getTasks(claimed.map((c) => c.taskId));
    const byId = new Map(tasks.map((t) => [t.taskId, t]));
    const runnable: Task[] = [];
    const dropped: string[] = [];
    for (const entry of claimed) {
      const task = byId.get(entry.taskId);
      // Not PENDING: cancelled or a duplicate entry. Not yet due: its delayed entry will bring it back.
      if (task && task.status === 'PENDING' && task.scheduledAt.getTime() <= now.getTime() + 5) runnable.push(task);
      else dropped.push(entry.taskId);
    }

    await this.types.list();
    const capped = runnable.some((t) => (this.types.cached(t.taskType)?.maxConcurrent ?? 0) > 0);
    const processing = capped ? await this.storage.countProcessingByType() : new Map<string, number>();
    const plan = planDispatch(runnable, live, (t) => this.types.cached(t), processing, this.balancers.require(this.config.scheduler.loadBalancer));

    const transitions: TaskTransition[] = [];
    for (const [workerId, assigned] of plan.assignments) {
      for (const task of assigned) {
        transitions.push({
          taskId: task.taskId,
          from: 'PENDING',
          to: 'PROCESSING',
          patch: { workerId, startedAt: now },
          logs: [stateLog(task, 'PENDING', 'PROCESSING', LogMessage.assigned, now, workerId)],
          at: now,
        });
      }
    }
    const { applied, rejected } = await this.state.transition(transitions);
    const appliedSet = new Set(applied);
    let dispatched = 0;
    for (const [workerId, assigned] of plan.assignments) {
      const ids = assigned.filter((t) => appliedSet.has(t.taskId)).map((t) => t.taskId);
      if (ids.length === 0) continue;
      const local = workerId === this.handoff.localWorkerId;
      if (local) for (const id of ids) this.handoff.put(asAssigned(byId.get(id)!, workerId, now));
      const result = await this.queue.dispatch(workerId, ids);
      if (local) for (const id of [...result.cancelled, ...result.refused]) this.handoff.drop(id);
      dispatched += result.dispatched.length;
      this.room.dispatched(workerId, result.dispatched.length);
      if (result.cancelled.length > 0) await this.cancelSkipped(result.cancelled, byId, workerId);
      if (result.refused.length > 0) await this.returnRefused(result.refused, byId, workerId);
      for (const id of result.dispatched) {
        const task = byId.get(id)!;
        this.events.emit('task_assigned', { taskId: id, taskType: task.taskType, workerId, waitMs: now.getTime() - task.scheduledAt.getTime() });
      }
    }
    if (dropped.length + rejected.length > 0) await this.queue.discardClaimed([...dropped, ...rejected]);
    if (plan.deferred.length > 0) {
      this.warnUnserved(plan.deferred, workers);
      await this.queue.unclaim(plan.deferred.map((t) => ({ taskId: t.taskId, priority: t.priority })));
    }
    this.rateWindow.dispatched += dispatched;
    this.room.roundTook(performance.now() - startedAt);
    return dispatched;
  }

  timeoutScan(): Promise<number> {
    return this.maintenance.timeoutScan();
  }

  async healthCheck(): Promise<string[]> {
    this.workersCache = undefined;
    const dead = await this.maintenance.healthCheck();
    this.room.forget(dead);
    return dead;
  }

  reconcile(): Promise<number> {
    return this.maintenance.reconcile();
  }

  purgeFinished(): Promise<number> {
    return this.maintenance.purgeFinished();
  }

  async promoteDue(): Promise<number> {
    this.lastPromoteAt = Date.now();
    return this.queue.promoteDue(this.clock.now(), 10_000);
  }

  private onElected(term: AbortSignal): void {
    this.leaderState.isLeader = true;
    this.leaderState.since = this.clock.now();
    this.metrics.recordSchedulerElection(this.id, true);
    this.events.emit('leader_elected', { leaderId: this.id });
    this.log.info('elected leader');
    this.termLoops = Promise.all([
      this.runLoop(term),
      this.every(this.config.scheduler.timeoutCheckInterval, term, () => this.timeoutScan()),
      this.every(Math.min(this.config.scheduler.healthCheckInterval, this.config.worker.heartbeatTimeout), term, () => this.healthCheck()),
      this.every(this.config.scheduler.reconcileInterval, term, () => this.reconcile()),
      this.every(this.config.retention.interval, term, () => this.purgeFinished()),
    ]);
  }

  private onLost(reason: string): void {
    this.leaderState.isLeader = false;
    this.leaderState.since = null;
    this.metrics.recordSchedulerElection(this.id, false);
    this.log.warn({ reason }, 'no longer leader');
  }

  private async runLoop(term: AbortSignal): Promise<void> {
    // A new leader first resumes what the previous one left claimed. A round that failed
    // half-way (the queue or storage went away) may leave claimed entries too, even tasks
    // written PROCESSING but never pushed: they are resumed the same way before the next
    // round, instead of being left to the timeout scan.
    let resumeNeeded = true;
    while (!term.aborted) {
      const startedAt = performance.now();
      try {
        if (resumeNeeded) {
          await this.resumeClaimed();
          resumeNeeded = false;
        }
        const dispatched = await this.tick();
        this.metrics.recordSchedulingRound(dispatched, (performance.now() - startedAt) / 1000, true);
        if (dispatched === 0) await this.queue.waitForWork(this.config.scheduler.scanInterval, term);
      } catch (error) {
        this.metrics.recordSchedulingRound(0, (performance.now() - startedAt) / 1000, false);
        resumeNeeded = true;
        this.log.error({ err: error }, 'scheduling round failed');
        await delay(Math.max(this.config.scheduler.scanInterval, 500), term);
      }
    }
  }

  private async every(intervalMs: number, term: AbortSignal, pass: () => Promise<unknown>): Promise<void> {
    while (!term.aborted) {
      await delay(intervalMs, term);
      if (term.aborted) return;
      await pass().catch((error: unknown) => this.log.error({ err: error }, 'maintenance pass failed'));
    }
  }

  /**
   * Claimed entries left by a leader that died mid-round: PENDING ones go back to the head of
   * their queue; ones already written PROCESSING were never pushed (dispatch is atomic), so
   * they are dispatched to the worker they were assigned to.
   */
  private async resumeClaimed(): Promise<void> {
    const claimed = await this.queue.listClaimed();
    if (claimed.length === 0) return;
    const tasks = new Map((await this.storage.getTasks(claimed.map((c) => c.taskId))).map((t) => [t.taskId, t]));
    const back: QueueEntry[] = [];
    const discard: string[] = [];
    const byWorker = new Map<string, string[]>();
    for (const entry of claimed) {
      const task = tasks.get(entry.taskId);
      if (task?.status === 'PENDING') back.push(entry);
      else if (task?.status === 'PROCESSING' && task.workerId) byWorker.set(task.workerId, [...(byWorker.get(task.workerId) ?? []), task.taskId]);
      else discard.push(entry.taskId);
    }
    if (back.length > 0) await this.queue.unclaim(back);
    if (discard.length > 0) await this.queue.discardClaimed(discard);
    for (const [workerId, ids] of byWorker) {
      const { cancelled, refused } = await this.queue.dispatch(workerId, ids);
      if (cancelled.length > 0) await this.cancelSkipped(cancelled, tasks, workerId);
      if (refused.length > 0) await this.returnRefused(refused, tasks, workerId);
    }
    this.log.info({ requeued: back.length, dispatched: claimed.length - back.length - discard.length }, 'resumed claimed tasks of the previous leader');
  }

  /** Dispatch skipped tasks carrying a cancel mark: they were PROCESSING, so we finish the cancel. */
  private async cancelSkipped(ids: string[], tasks: Map<string, Task>, workerId: string): Promise<void> {
    const now = this.clock.now();
    await this.state.transition(
      ids.map((id) => ({
        taskId: id,
        from: 'PROCESSING' as const,
        to: 'CANCELLED' as const,
        expectedWorkerId: workerId,
        patch: { completedAt: now },
        logs: [stateLog(tasks.get(id) ?? { taskId: id, retryCount: 0 }, 'PROCESSING', 'CANCELLED', LogMessage.cancelledByUser, now, workerId)],
        at: now,
      })),
    );
  }

  /**
   * The worker left the registry between planning and dispatch (a graceful stop, or removed
   * as dead): its tasks, written PROCESSING for it, go back to PENDING at the head of their queue.
   */
  private async returnRefused(ids: string[], tasks: Map<string, Task>, workerId: string): Promise<void> {
    this.workersCache = undefined;
    const now = this.clock.now();
    const refused = ids.flatMap((id) => tasks.get(id) ?? []);
    const { applied } = await this.state.transition(refused.map((task) => recoveryTransition(task, workerId, now)));
    const appliedSet = new Set(applied);
    await this.queue.unclaim(refused.filter((t) => appliedSet.has(t.taskId)).map((t) => ({ taskId: t.taskId, priority: t.priority })));
    const rest = ids.filter((id) => !appliedSet.has(id));
    if (rest.length > 0) await this.queue.discardClaimed(rest);
  }

  /** Tasks of a type no healthy worker supports wait with no other signal: say so, once a minute per type. */
  private warnUnserved(deferred: readonly Task[], workers: readonly WorkerInfo[]): void {
    const nowMs = Date.now();
    for (const type of new Set(deferred.map((t) => t.taskType))) {
      if (workers.some((w) => w.supportedTypes.includes(type))) continue;
      if (nowMs - (this.unservedWarnedAt.get(type) ?? -Infinity) < UNSERVED_WARNING_INTERVAL_MS) continue;
      this.unservedWarnedAt.set(type, nowMs);
      this.log.warn({ taskType: type }, `tasks of type "${type}" are waiting: no online worker supports this task type`);
    }
  }

  private async healthyWorkers(): Promise<WorkerInfo[]> {
    const nowMs = Date.now();
    if (!this.workersCache || nowMs - this.workersCache.at > WORKER_LIST_TTL_MS) {
      this.workersCache = { at: nowMs, workers: await this.coordination.workers.listWorkers() };
    }
    const now = this.clock.now();
    return this.workersCache.workers.filter((w) => isWorkerHealthy(w, now, this.config.worker.heartbeatTimeout));
  }

  private async promoteDueIfTime(): Promise<void> {
    if (Date.now() - this.lastPromoteAt < this.config.scheduler.scanInterval) return;
    await this.promoteDue();
  }

  /** Global dispatch rate (scheduler.maxDispatchRate per second; 0 = none). */
  private rateAllowance(): number {
    const rate = this.config.scheduler.maxDispatchRate;
    if (rate <= 0) return Number.POSITIVE_INFINITY;
    const nowMs = Date.now();
    if (nowMs - this.rateWindow.startedAt >= 1_000) this.rateWindow = { startedAt: nowMs, dispatched: 0 };
    return Math.max(0, rate - this.rateWindow.dispatched);
  }
}

/** The task as storage holds it once the assignment is written (what a read-back would return). */
function asAssigned(task: Task, workerId: string, at: Date): Task {
  return { ...task, status: 'PROCESSING', workerId, startedAt: at, updatedAt: at };
}
