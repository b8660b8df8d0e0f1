import os from 'node:os';
import { inject, injectable } from 'tsyringe';
import type { CoreConfig } from '../../config/config-schema.ts';
import { TOKENS } from '../../config/tokens.ts';
import { CancelSignalReason, ShutdownSignalReason } from '../../domain/signal-reasons.ts';
import { nodeIdOf } from '../../domain/node-id.ts';
import type { Clock } from '../../ports/clock.ts';
import type { CoordinationPort, Unsubscribe } from '../../ports/coordination.ts';
import type { EventBus } from '../../ports/event-bus.ts';
import type { HookRegistry } from '../../ports/hooks.ts';
import type { Logger } from '../../ports/logger.ts';
import type { MetricsPort } from '../../ports/metrics.ts';
import type { TaskQueue } from '../../ports/queue.ts';
import type { StoragePort } from '../../ports/storage.ts';
import type { Tracer } from '../../ports/tracer.ts';
import { ExecutorRegistry } from '../executor-registry.ts';
import { LocalHandoff } from '../local-handoff.ts';
import { requeueFromWorker } from '../requeue.ts';
import { TaskStateWriter } from '../task-state.ts';
import { TaskTypeCatalog } from '../task-type-catalog.ts';
import { ConsumeLoop } from './consume-loop.ts';
import type { ContextServices } from './execution-context.ts';
import { Heartbeat } from './heartbeat.ts';
import { OutcomeCommitter } from './outcome-committer.ts';
import { OutcomeMapper } from './outcomes.ts';
import { ProgressWriter } from './progress-writer.ts';
import { RunningTasks } from './running-tasks.ts';
import { TaskRunner } from './task-runner.ts';

/**
 * A worker (docs/design.md#worker): registers, heartbeats with its load, takes from its own
 * queue at most `capacity` tasks at a time, runs each under an AbortSignal (timeout, cancel,
 * shutdown), writes outcomes in group commits, and drains gracefully on stop.
 *
 * This file wires the parts and runs start and stop; each long-running concern has its own:
 * heartbeat.ts (registry), consume-loop.ts (take, read, start, acks, audit), task-runner.ts
 * (execution), outcomes.ts (what a result means), outcome-committer.ts (group commit).
 */
@injectable()
export class Worker {
  readonly id: string;
  private readonly running = new RunningTasks();
  private readonly heartbeat: Heartbeat;
  private readonly consumer: ConsumeLoop;
  private readonly committer: OutcomeCommitter;
  private readonly contextServices: ContextServices;
  private readonly log: Logger;
  private unsubscribeCancels: Unsubscribe | undefined;
  private started = false;

  constructor(
    @inject(TOKENS.Config) private readonly config: CoreConfig,
    @inject(TOKENS.Storage) private readonly storage: StoragePort,
    @inject(TOKENS.Queue) private readonly queue: TaskQueue,
    @inject(TOKENS.Coordination) private readonly coordination: CoordinationPort,
    @inject(TOKENS.Clock) private readonly clock: Clock,
    @inject(TOKENS.EventBus) private readonly events: EventBus,
    @inject(TOKENS.Metrics) private readonly metrics: MetricsPort,
    @inject(TOKENS.Hooks) hooks: HookRegistry,
    @inject(TOKENS.Logger) logger: Logger,
    @inject(TOKENS.IdGenerator) newId: () => string,
    @inject(ExecutorRegistry) private readonly executors: ExecutorRegistry,
    @inject(TaskTypeCatalog) types: TaskTypeCatalog,
    @inject(TaskStateWriter) private readonly state: TaskStateWriter,
    @inject(LocalHandoff) private readonly handoff: LocalHandoff,
    @inject(TOKENS.Tracer) tracer: Tracer,
  ) {
    // A fresh id per process start: tasks of a previous incarnation are recovered by the
    // leader as a dead worker's, never silently adopted by a process that did not run them.
    this.id = config.worker.id ?? `worker-${nodeIdOf(config.app.nodeId, os.hostname())}-${newId().slice(0, 8)}`;
    const log = logger.child({ component: 'worker', workerId: this.id });
    this.log = log;
    this.contextServices = { storage, clock, events, logger: log, progress: new ProgressWriter(storage, events, log) };
    this.heartbeat = new Heartbeat({
      workerId: this.id,
      config,
      registry: coordination.workers,
      storage,
      metrics,
      clock,
      log,
      load: () => this.load,
      supportedTypes: () => this.supportedTypes(),
      afterBeat: () => this.consumer.auditOrRetryLater(),
    });
    const outcomes = new OutcomeMapper({ workerId: this.id, clock, types, events, metrics });
    this.committer = new OutcomeCommitter(
      state,
      storage,
      queue,
      log,
      (ids) => this.consumer.finished(ids),
      (outcome, reason) => (outcome.task && outcome.transition ? outcomes.unstorable(outcome.task, reason) : undefined),
    );
    const runner = new TaskRunner({
      workerId: this.id,
      running: this.running,
      hooks,
      executors,
      types,
      contextServices: this.contextServices,
      outcomes,
      committer: this.committer,
      log,
      tracer: tracer.enabled ? tracer : undefined,
    });
    this.consumer = new ConsumeLoop({
      workerId: this.id,
      queue,
      storage,
      handoff,
      running: this.running,
      log,
      capacity: () => this.capacity,
      takeWaitMs: () => this.config.worker.takeWait,
      isActive: () => this.started,
      start: (task) => runner.run(task),
    });
  }

  get load(): number {
    return this.running.size;
  }

  get capacity(): number {
    return this.config.worker.capacity;
  }

  /**
   * `worker.capacity` was changed by a config reload: slots open or close from the next take,
   * and the registry (what the leader and /api/v1/workers see) is updated now rather than
   * at the next heartbeat; should that fail, the next heartbeat tries again.
   */
  async capacityChanged(): Promise<void> {
    this.heartbeat.markStale();
    this.running.wakeSlot();
    if (this.started) await this.heartbeat.heartbeat();
  }

  supportedTypes(): string[] {
    return this.config.worker.supportedTypes ?? this.executors.taskTypes();
  }

  async start(): Promise<void> {
    if (this.started) return;
    this.started = true;
    await this.heartbeat.register();
    this.handoff.localWorkerId = this.id;
    this.unsubscribeCancels = await this.coordination.cancels.subscribeCancels(this.id, (taskId) =>
      this.abortTask(taskId),
    );
    this.heartbeat.start();
    this.consumer.start();
    this.events.emit('worker_online', { workerId: this.id });
    this.metrics.recordWorkerRegistered(this.id);
    this.log.info({ capacity: this.capacity, types: this.supportedTypes() }, 'worker online');
  }

  /** Stops taking work, waits up to graceful_shutdown_timeout, returns the rest to the queue. */
  async stop(): Promise<void> {
    if (!this.started) return;
    this.started = false;
    this.heartbeat.stop();
    if (this.handoff.localWorkerId === this.id) this.handoff.localWorkerId = undefined;
    // Leave the registry first: from then on `dispatch` refuses this worker (atomically), so
    // the final drain below hands back everything that was ever sent here.
    await this.coordination.workers
      .removeWorker(this.id)
      .catch((error: unknown) => this.log.warn({ err: error }, 'deregistering failed'));
    await this.consumer.stop();
    await this.running.waitUntilIdle(this.config.worker.gracefulShutdownTimeout);
    for (const { abort } of this.running.values()) abort.abort(new ShutdownSignalReason());
    await this.running.waitUntilIdle(1_000);
    await this.contextServices.progress.close();
    await this.committer.drain();
    // What is still due, and no timer left to fire after stop; tasks taken but never started
    // are in our processing list, which the drain below returns.
    await this.consumer.close();
    await this.returnUnstartedTasks();
    await this.unsubscribeCancels?.();
    await this.storage.markWorkerOffline(this.id, this.clock.now()).catch(() => {});
    this.metrics.recordWorkerOffline(this.id);
    this.events.emit('worker_offline', { workerId: this.id, recoveredTasks: 0 });
    this.log.info('worker stopped');
  }

  /** A running task is aborted; any other is remembered by the consume loop (see rememberCancel). */
  private abortTask(taskId: string): void {
    const running = this.running.get(taskId);
    if (running) {
      running.abort.abort(new CancelSignalReason());
      return;
    }
    this.consumer.rememberCancel(taskId);
  }

  /** Tasks dispatched to us that we never started go back to PENDING for another worker. */
  private async returnUnstartedTasks(): Promise<void> {
    const ids = await this.queue.drainWorker(this.id);
    if (ids.length === 0) return;
    const tasks = (await this.storage.getTasks(ids)).filter((t) => t.status === 'PROCESSING' && t.workerId === this.id);
    await requeueFromWorker(tasks, this.id, this.clock.now(), this.state, this.queue);
  }
}
