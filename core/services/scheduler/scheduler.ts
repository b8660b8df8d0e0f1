import os from 'node:os';
import { inject, injectable } from 'tsyringe';
import type { CoreConfig } from '../../config/config-schema.ts';
import { TOKENS } from '../../config/tokens.ts';
import { nodeIdOf } from '../../domain/node-id.ts';
import type { Clock, IdGenerator } from '../../ports/clock.ts';
import type { CoordinationPort } from '../../ports/coordination.ts';
import type { EventBus } from '../../ports/event-bus.ts';
import type { Logger } from '../../ports/logger.ts';
import type { MetricsPort } from '../../ports/metrics.ts';
import type { TaskQueue } from '../../ports/queue.ts';
import type { StoragePort } from '../../ports/storage.ts';
import type { Tracer } from '../../ports/tracer.ts';
import { LeadershipLostError } from '../../domain/errors.ts';
import { delay } from '../delay.ts';
import { LoadBalancerRegistry } from '../load-balancer-registry.ts';
import { LocalHandoff } from '../local-handoff.ts';
import { TaskStateWriter } from '../task-state.ts';
import { TaskTypeCatalog } from '../task-type-catalog.ts';
import { DispatchLeftovers } from './dispatch-leftovers.ts';
import { DispatchRound } from './dispatch-round.ts';
import { fenced, fencedCoordination, fencedQueue } from './leader-fence.ts';
import { LeaderState } from './leader-state.ts';
import { Leadership } from './leadership.ts';
import { Maintenance } from './maintenance.ts';
import { resumeClaimed } from './resume-claimed.ts';
import { WorkerList } from './worker-list.ts';
import type { ScheduleStore } from '../../ports/schedule-store.ts';
import { ScheduleFirer } from '../schedules/schedule-firer.ts';
import { TaskService } from '../tasks/task-service.ts';

/**
 * The scheduler (docs/design.md#scheduler): only the leader works. It runs dispatch rounds
 * (dispatch-round.ts), promotes due delayed tasks and runs the maintenance passes
 * (maintenance.ts). New work wakes the loop; `scanInterval` is only a fallback tick.
 *
 * This file wires leadership (leadership.ts) to the loops of a leader's term.
 */
@injectable()
export class Scheduler {
  readonly id: string;
  private readonly log: Logger;
  private readonly leadership: Leadership;
  private readonly maintenance: Maintenance;
  private readonly workers: WorkerList;
  private readonly leftovers: DispatchLeftovers;
  private readonly round: DispatchRound;
  private readonly schedules: ScheduleFirer;
  private termLoops: Promise<unknown> | undefined;
  /** Set once elected: from then on every write needs a valid term (see `assertTerm`). */
  private everElected = false;
  private readonly storage: StoragePort;
  private readonly queue: TaskQueue;

  constructor(
    @inject(TOKENS.Config) private readonly config: CoreConfig,
    @inject(TOKENS.Storage) storage: StoragePort,
    @inject(TOKENS.Queue) queue: TaskQueue,
    @inject(TOKENS.Coordination) coordination: CoordinationPort,
    @inject(TOKENS.Clock) private readonly clock: Clock,
    @inject(TOKENS.EventBus) private readonly events: EventBus,
    @inject(TOKENS.Metrics) private readonly metrics: MetricsPort,
    @inject(TOKENS.Logger) logger: Logger,
    @inject(TOKENS.IdGenerator) newId: IdGenerator,
    @inject(TaskStateWriter) state: TaskStateWriter,
    @inject(TaskTypeCatalog) types: TaskTypeCatalog,
    @inject(LeaderState) private readonly leaderState: LeaderState,
    @inject(LoadBalancerRegistry) private readonly balancers: LoadBalancerRegistry,
    @inject(LocalHandoff) handoff: LocalHandoff,
    @inject(TOKENS.ScheduleStore) scheduleStore: ScheduleStore,
    @inject(TaskService) tasks: TaskService,
    @inject(TOKENS.Tracer) tracer: Tracer,
  ) {
    this.id = `scheduler-${nodeIdOf(config.app.nodeId, os.hostname())}-${newId().slice(0, 8)}`;
    const log = logger.child({ component: 'scheduler', schedulerId: this.id });
    this.log = log;
    // Fencing: every write of the leader (its rounds and maintenance passes) checks the term
    // first, and its claims and dispatches carry its lock value (docs/architecture.md, "Fencing").
    const check = () => this.assertTerm();
    this.storage = storage = fenced(storage, check);
    this.queue = queue = fencedQueue(queue, check, () => (this.everElected ? this.id : undefined));
    state = fenced(state, check);
    coordination = fencedCoordination(coordination, check);
    this.maintenance = new Maintenance({
      config,
      storage,
      queue,
      coordination,
      clock,
      events,
      metrics,
      logger: log,
      state,
      types,
    });
    this.workers = new WorkerList(coordination.workers, clock, () => config.worker.heartbeatTimeout);
    this.leftovers = new DispatchLeftovers(queue, state, clock, this.workers);
    this.round = new DispatchRound({
      config,
      storage,
      queue,
      clock,
      events,
      log,
      state,
      types,
      balancers,
      handoff,
      workers: this.workers,
      leftovers: this.leftovers,
      rateLimiter: coordination.rateLimits,
      metrics,
      tracer,
    });
    this.schedules = new ScheduleFirer({
      store: fenced(scheduleStore, check),
      createTasks: (inputs) => tasks.createMany(inputs),
      clock,
      events,
      metrics,
      log,
      catchUp: () => config.scheduler.scheduleCatchUp,
    });
    const s = config.scheduler;
    this.leadership = new Leadership(
      coordination.leader,
      {
        candidateId: this.id,
        ttlMs: s.leaderLockTtl,
        renewIntervalMs: s.leaderRenewInterval,
        followerRetryMs: Math.min(s.leaderRenewInterval, 1_000),
      },
      { onElected: (term) => this.onElected(term), onLost: (reason) => this.onLost(reason) },
      log,
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
  tick(): Promise<number> {
    return this.round.run();
  }

  timeoutScan(): Promise<number> {
    return this.maintenance.timeoutScan();
  }

  async healthCheck(): Promise<string[]> {
    this.workers.invalidate();
    const dead = await this.maintenance.healthCheck();
    this.round.forgetWorkers(dead);
    return dead;
  }

  reconcile(): Promise<number> {
    return this.maintenance.reconcile();
  }

  purgeFinished(): Promise<number> {
    return this.maintenance.purgeFinished();
  }

  promoteDue(): Promise<number> {
    return this.round.promoteDue();
  }

  /** One schedule pass: fires every due schedule; returns how many tasks it created. */
  fireSchedules(): Promise<number> {
    return this.schedules.fireDue();
  }

  /** Throws LeadershipLostError when a scheduler that was elected no longer surely holds the lock. */
  private assertTerm(): void {
    if (this.everElected && !this.leadership.holdsLock()) throw new LeadershipLostError();
  }

  /**
   * A write refused for lack of a term ends the term (if the clock has not already). Known by
   * name too: a config file imported through its own module graph gives the plugins their
   * own copy of the core's classes.
   */
  private lostLeadership(error: unknown): boolean {
    if (!(error instanceof Error) || (!(error instanceof LeadershipLostError) && error.name !== 'LeadershipLostError'))
      return false;
    this.leadership.revoke(error.message);
    return true;
  }

  private onElected(term: AbortSignal): void {
    this.everElected = true;
    this.leaderState.isLeader = true;
    this.leaderState.since = this.clock.now();
    this.metrics.recordSchedulerElection(this.id, true);
    this.events.emit('leader_elected', { leaderId: this.id });
    this.log.info('elected leader');
    this.termLoops = Promise.all([
      this.dispatchLoop(term),
      this.every(this.config.scheduler.timeoutCheckInterval, term, () => this.timeoutScan()),
      this.every(Math.min(this.config.scheduler.healthCheckInterval, this.config.worker.heartbeatTimeout), term, () =>
        this.healthCheck(),
      ),
      this.every(this.config.scheduler.reconcileInterval, term, () => this.reconcile()),
      this.every(this.config.retention.interval, term, () => this.purgeFinished()),
      this.scheduleLoop(term),
    ]);
  }

  private onLost(reason: string): void {
    this.leaderState.isLeader = false;
    this.leaderState.since = null;
    this.metrics.recordSchedulerElection(this.id, false);
    this.log.warn({ reason }, 'no longer leader');
  }

  private async dispatchLoop(term: AbortSignal): Promise<void> {
    // A new leader first resumes what the previous one left claimed. A round that failed
    // half-way (the queue or storage went away) may leave claimed entries too, even tasks
    // written PROCESSING but never pushed: they are resumed the same way before the next
    // round, instead of being left to the timeout scan.
    let resumeNeeded = true;
    while (!term.aborted) {
      const startedAt = performance.now();
      try {
        if (resumeNeeded) {
          await resumeClaimed(this.queue, this.storage, this.leftovers, this.log);
          resumeNeeded = false;
        }
        const dispatched = await this.tick();
        this.metrics.recordSchedulingRound(dispatched, (performance.now() - startedAt) / 1000, true);
        if (dispatched === 0) await this.queue.waitForWork(this.config.scheduler.scanInterval, term);
      } catch (error) {
        if (this.lostLeadership(error)) break;
        this.metrics.recordSchedulingRound(0, (performance.now() - startedAt) / 1000, false);
        resumeNeeded = true;
        this.log.error({ err: error }, 'scheduling round failed');
        await delay(Math.max(this.config.scheduler.scanInterval, 500), term);
      }
    }
  }

  /**
   * Fires due schedules, then sleeps until the earliest next fire time, at most
   * schedulePollInterval (a schedule created or resumed meanwhile is seen by then).
   */
  private async scheduleLoop(term: AbortSignal): Promise<void> {
    while (!term.aborted) {
      let sleepMs = this.config.scheduler.schedulePollInterval;
      try {
        // One cheap read while nothing is due (an index lookup on MySQL); the due ones only when some are.
        let next = await this.schedules.nextRunAt();
        if (next && next.getTime() <= this.clock.now().getTime()) {
          await this.fireSchedules();
          next = await this.schedules.nextRunAt();
        }
        if (next) sleepMs = Math.min(sleepMs, Math.max(10, next.getTime() - this.clock.now().getTime()));
      } catch (error) {
        if (this.lostLeadership(error)) break;
        this.log.error({ err: error }, 'schedule pass failed');
      }
      await delay(sleepMs, term);
    }
  }

  /** A maintenance loop of the term: the pass every `intervalMs`, until the term ends. */
  private async every(intervalMs: number, term: AbortSignal, pass: () => Promise<unknown>): Promise<void> {
    while (!term.aborted) {
      await delay(intervalMs, term);
      if (term.aborted) return;
      await pass().catch(
        (error: unknown) => this.lostLeadership(error) || this.log.error({ err: error }, 'maintenance pass failed'),
      );
    }
  }
}
