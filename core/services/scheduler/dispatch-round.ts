import type { CoreConfig } from '../../config/config-schema.ts';
import type { Task } from '../../domain/task.ts';
import { LogMessage } from '../../domain/task-log.ts';
import type { WorkerInfo } from '../../domain/worker.ts';
import type { Clock } from '../../ports/clock.ts';
import type { EventBus } from '../../ports/event-bus.ts';
import type { Logger } from '../../ports/logger.ts';
import type { LeaderQueue, ProducerQueue } from '../../ports/queue.ts';
import type { StoragePort, TaskTransition } from '../../ports/storage.ts';
import type { Tracer } from '../../ports/tracer.ts';
import type { LoadBalancerRegistry } from '../load-balancer-registry.ts';
import type { LocalHandoff } from '../local-handoff.ts';
import { stateLog } from '../log-entries.ts';
import type { TaskStateWriter } from '../task-state.ts';
import type { TaskTypeCatalog } from '../task-type-catalog.ts';
import { AdaptiveRoom } from './adaptive-room.ts';
import { planDispatch, type DispatchPlan } from './dispatch-planner.ts';
import type { DispatchLeftovers } from './dispatch-leftovers.ts';
import type { MetricsPort } from '../../ports/metrics.ts';
import type { RateLimiter } from '../../ports/rate-limiter.ts';
import { releasePausedTasks } from '../tasks/release-paused.ts';
import { DispatchGates } from './dispatch-gates.ts';
import { DispatchSpans } from './dispatch-spans.ts';
import { DispatchRateLimit } from './rate-limit.ts';
import type { WorkerList } from './worker-list.ts';

const UNSERVED_WARNING_INTERVAL_MS = 60_000;

export interface DispatchRoundParams {
  config: CoreConfig;
  storage: StoragePort;
  queue: LeaderQueue & ProducerQueue;
  clock: Clock;
  events: EventBus;
  log: Logger;
  state: TaskStateWriter;
  types: TaskTypeCatalog;
  balancers: LoadBalancerRegistry;
  handoff: LocalHandoff;
  workers: WorkerList;
  rateLimiter: RateLimiter;
  metrics: MetricsPort;
  leftovers: DispatchLeftovers;
  tracer: Tracer;
}

/**
 * One dispatch round of the leader: claims a batch (HIGH first) no larger than the workers
 * have room for, assigns it with the load balancer under capacity and max_concurrent, writes
 * PENDING → PROCESSING and pushes to the worker queues. It also promotes due delayed tasks,
 * at most every scanInterval.
 */
export class DispatchRound {
  private lastPromoteAt = -Infinity;
  private readonly rate: DispatchRateLimit;
  private readonly unservedWarnedAt = new Map<string, number>();
  private readonly room = new AdaptiveRoom();
  /** Set only while tracing is on: otherwise a round does no tracing work at all. */
  private readonly tracer: Tracer | undefined;

  private readonly gates: DispatchGates;
  /** Task types this leader saw paused: when one resumes, it queues its set-aside tasks again. */
  private pausedSeen: ReadonlySet<string> = new Set<string>();

  constructor(private readonly params: DispatchRoundParams) {
    this.rate = new DispatchRateLimit(() => params.config.scheduler.maxDispatchRate);
    this.gates = new DispatchGates(params.rateLimiter, params.metrics);
    this.tracer = params.tracer.enabled ? params.tracer : undefined;
  }

  /** Returns how many tasks went to workers. */
  async run(): Promise<number> {
    const { config, queue, storage, clock, types, balancers } = this.params;
    await this.promoteDueIfTime();
    await types.load();
    this.watchPauses(types);
    const workers = await this.params.workers.healthy();
    if (workers.length === 0) return 0;
    const startedAt = performance.now();
    const prefetch = config.scheduler.prefetch;
    // What a worker may hold (running + queued): its slots plus the prefetch, measured ("auto")
    // or a fixed multiple of its capacity.
    const rooms =
      prefetch === 'auto'
        ? this.room.rooms(workers)
        : workers.map((w) => ({ workerId: w.workerId, maxLoad: Math.ceil(w.capacity * (1 + prefetch)) }));
    const limit = Math.min(config.scheduler.batchSize, this.rate.allowance());
    if (limit <= 0) return 0;
    // Loads and the claim in one step: claims only as many as the workers have room for.
    const { loads, claimed } = await queue.claimFor(rooms, limit);
    this.room.observe(loads, Date.now());
    if (claimed.length === 0) return 0;
    const live = workers.map((w, i) => ({
      ...w,
      capacity: rooms[i]!.maxLoad,
      currentLoad: loads.get(w.workerId) ?? 0,
    }));
    const now = clock.now();
    const tasks = await storage.getTasks(claimed.map((c) => c.taskId));
    const byId = new Map(tasks.map((t) => [t.taskId, t]));
    const runnable: Task[] = [];
    const dropped: string[] = [];
    for (const entry of claimed) {
      const task = byId.get(entry.taskId);
      // Not PENDING: cancelled or a duplicate entry. Not yet due: its delayed entry will bring it back.
      if (task && task.status === 'PENDING' && task.scheduledAt.getTime() <= now.getTime() + 5) runnable.push(task);
      else dropped.push(entry.taskId);
    }

    if (types.pausedTypes().size > 0) {
      const gated = this.gates.withoutPaused(runnable, (t) => types.cached(t));
      dropped.push(...gated.paused.map((t) => t.taskId));
      runnable.splice(0, runnable.length, ...gated.runnable);
    }
    const capped = runnable.some((t) => (types.cached(t.taskType)?.maxConcurrent ?? 0) > 0);
    const processing = capped ? await storage.countProcessingByType() : new Map<string, number>();
    const plan = planDispatch(
      runnable,
      live,
      (t) => types.cached(t),
      processing,
      balancers.require(config.scheduler.loadBalancer),
    );

    const held = await this.gates.limitRates(plan.assignments, (t) => types.cached(t), now);
    if (held.length > 0) {
      // Delayed first, then out of the claimed list: a crash in between leaves a duplicate
      // entry (harmless), never a task in no queue.
      await queue.schedule(held);
      dropped.push(...held.map((h) => h.taskId));
    }

    const spans =
      this.tracer && plan.assignments.size > 0 ? new DispatchSpans(this.tracer, plan.assignments, now) : undefined;
    let assigned: { dispatched: number; rejected: string[] };
    try {
      assigned = await this.assign(plan, byId, now, spans);
    } catch (error) {
      spans?.failed(error);
      throw error;
    } finally {
      spans?.end();
    }
    const { dispatched, rejected } = assigned;
    if (dropped.length + rejected.length > 0) await queue.discardClaimed([...dropped, ...rejected]);
    if (plan.deferred.length > 0) {
      this.warnUnserved(plan.deferred, workers);
      await queue.unclaim(plan.deferred.map((t) => ({ taskId: t.taskId, priority: t.priority })));
    }
    this.rate.dispatched(dispatched);
    this.room.roundTook(performance.now() - startedAt);
    return dispatched;
  }

  /**
   * Writes PENDING → PROCESSING for the plan's assignments and pushes them to their workers'
   * queues; returns how many went, and the ids whose guard did not match.
   */
  private async assign(
    plan: DispatchPlan,
    byId: Map<string, Task>,
    now: Date,
    spans: DispatchSpans | undefined,
  ): Promise<{ dispatched: number; rejected: string[] }> {
    const { queue, state, handoff, events, leftovers } = this.params;
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
    const { applied, rejected } = await state.transition(transitions);
    const appliedSet = new Set(applied);
    let dispatched = 0;
    for (const [workerId, assigned] of plan.assignments) {
      const ids = assigned.filter((t) => appliedSet.has(t.taskId)).map((t) => t.taskId);
      if (ids.length === 0) continue;
      const local = workerId === handoff.localWorkerId;
      if (local) for (const id of ids) handoff.put(asAssigned(byId.get(id)!, workerId, now));
      const result = await queue.dispatch(workerId, ids);
      if (local) for (const id of [...result.cancelled, ...result.refused]) handoff.drop(id);
      dispatched += result.dispatched.length;
      spans?.dispatched(result.dispatched);
      this.room.dispatched(workerId, result.dispatched.length);
      if (result.cancelled.length > 0) await leftovers.cancelSkipped(result.cancelled, byId, workerId);
      if (result.refused.length > 0) await leftovers.returnRefused(result.refused, byId, workerId);
      for (const id of result.dispatched) {
        const task = byId.get(id)!;
        events.emit('task_assigned', {
          taskId: id,
          taskType: task.taskType,
          workerId,
          waitMs: now.getTime() - task.scheduledAt.getTime(),
        });
      }
    }
    return { dispatched, rejected };
  }

  /**
   * Follows the catalog's paused types: a type resumed on another node has its set-aside tasks
   * queued again by the leader too, once its own view has changed (the resuming node did it
   * already, but while this leader still saw the type paused it may have set some aside again).
   */
  private watchPauses(types: TaskTypeCatalog): void {
    const paused = types.pausedTypes();
    if (paused === this.pausedSeen || (paused.size === 0 && this.pausedSeen.size === 0)) return;
    const { storage, queue, clock, log, metrics } = this.params;
    for (const taskType of this.pausedSeen) {
      if (paused.has(taskType)) continue;
      releasePausedTasks(storage, queue, clock, taskType).catch((error: unknown) =>
        log.error({ err: error, taskType }, 'could not queue again the tasks of a resumed task type'),
      );
    }
    if (paused.size !== this.pausedSeen.size || [...paused].some((t) => !this.pausedSeen.has(t)))
      metrics.recordPausedTaskTypes?.([...paused]);
    this.pausedSeen = paused;
  }

  /** Workers found dead: their measured rates go (see AdaptiveRoom). */
  forgetWorkers(workerIds: Iterable<string>): void {
    this.room.forget(workerIds);
  }

  /** Moves due delayed tasks to their ready queues now; returns how many moved. */
  async promoteDue(): Promise<number> {
    this.lastPromoteAt = Date.now();
    return this.params.queue.promoteDue(this.params.clock.now(), 10_000);
  }

  private async promoteDueIfTime(): Promise<void> {
    if (Date.now() - this.lastPromoteAt < this.params.config.scheduler.scanInterval) return;
    await this.promoteDue();
  }

  /** Tasks of a type no healthy worker supports wait with no other signal: say so, once a minute per type. */
  private warnUnserved(deferred: readonly Task[], workers: readonly WorkerInfo[]): void {
    const nowMs = Date.now();
    for (const type of new Set(deferred.map((t) => t.taskType))) {
      if (workers.some((w) => w.supportedTypes.includes(type))) continue;
      if (nowMs - (this.unservedWarnedAt.get(type) ?? -Infinity) < UNSERVED_WARNING_INTERVAL_MS) continue;
      this.unservedWarnedAt.set(type, nowMs);
      this.params.log.warn(
        { taskType: type },
        `tasks of type "${type}" are waiting: no online worker supports this task type`,
      );
    }
  }
}

/** The task as storage holds it once the assignment is written (what a read-back would return). */
function asAssigned(task: Task, workerId: string, at: Date): Task {
  return { ...task, status: 'PROCESSING', workerId, startedAt: at, updatedAt: at };
}
