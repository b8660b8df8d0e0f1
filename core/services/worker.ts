import os from 'node:os';
import { inject, injectable } from 'tsyringe';
import { NonRetryableError } from '../domain/errors.ts';
import { findJsonProblem, MAX_RESULT_CHARS } from '../domain/json-limits.ts';
import type { Task } from '../domain/task.ts';
import { LogMessage } from '../domain/task-log.ts';
import type { WorkerInfo } from '../domain/worker.ts';
import type { Clock } from '../ports/clock.ts';
import type { CoordinationPort, Unsubscribe } from '../ports/coordination.ts';
import type { EventBus } from '../ports/event-bus.ts';
import { CancelSignalReason, ShutdownSignalReason } from '../ports/executor.ts';
import type { Logger } from '../ports/logger.ts';
import type { MetricsPort } from '../ports/metrics.ts';
import type { TaskQueue } from '../ports/queue.ts';
import type { StoragePort } from '../ports/storage.ts';
import type { ResolvedConfig } from '../runtime/config-schema.ts';
import { hasHook, type HookRegistry } from '../runtime/hooks.ts';
import { TOKENS } from '../runtime/tokens.ts';
import { TaskExecutionContext, type ContextServices } from './execution-context.ts';
import { AckBatcher } from './ack-batcher.ts';
import { ExecutorRegistry } from './executor-registry.ts';
import { LazyAbort } from './lazy-abort.ts';
import { LocalHandoff } from './local-handoff.ts';
import { infoLog, stateLog } from './log-entries.ts';
import { OutcomeCommitter, type Outcome } from './outcome-committer.ts';
import { ProgressWriter } from './progress-writer.ts';
import { describeError, planFailure } from './retry-policy.ts';
import { executeWithDeadline, missingExecutorError, type ExecutionResult } from './task-execution.ts';
import { recoveryTransition, requeueFromWorker } from './requeue.ts';
import { TaskStateWriter } from './task-state.ts';
import { TaskTypeCatalog } from './task-type-catalog.ts';

/** What a result must respect to be stored (docs/api.md, "Limits"). */
const RESULT_LIMITS = { maxChars: MAX_RESULT_CHARS };

/** Ids one take may move beyond the free slots (what the leader queued for us, see take). */
const TAKE_AHEAD = 1_000;

/** Cancel signals remembered for tasks not running here (see abortTask). */
const MAX_REMEMBERED_CANCELS = 10_000;

/** How long acks wait for a take to carry them before they go out alone (see AckBatcher). */
const ACK_DELAY_MS = 10;

interface Running {
  task: Task;
  abort: LazyAbort;
}

/**
 * A worker (SPEC §4): registers, heartbeats with its load, takes from its own queue at most
 * `capacity` tasks at a time, runs each under an AbortSignal (timeout, cancel, shutdown),
 * writes outcomes in group commits, and drains gracefully on stop.
 */
@injectable()
export class Worker {
  readonly id: string;
  private readonly running = new Map<string, Running>();
  private readonly stopController = new AbortController();
  private loop: Promise<void> | undefined;
  private heartbeatTimer: NodeJS.Timeout | undefined;
  private unsubscribeCancels: Unsubscribe | undefined;
  private slotWaiter: (() => void) | undefined;
  private readonly acks: AckBatcher;
  /** Tasks taken and read, waiting for a free slot, oldest first. */
  private ready: Task[] = [];
  /** Ids taken whose read failed: read again before taking more. */
  private unread: string[] = [];
  /** Tasks cancelled while they waited in `ready`: acked instead of started. */
  private readonly cancelledWaiting = new Set<string>();
  /** A take is in flight (possibly parked on an empty queue): acks due now cannot ride on it. */
  private taking = false;
  /** Takes started so far: an audit that overlapped one is void (see audit). */
  private takes = 0;
  /** Every id taken from our queue and not yet acked: what our processing list should hold. */
  private readonly held = new Set<string>();
  /** A take or a start failed: ids may be in our processing list that we do not know of. */
  private auditDue = false;
  private readonly committer: OutcomeCommitter;
  private readonly contextServices: ContextServices;
  private readonly log: Logger;
  private started = false;
  /** Set when the registry entry no longer matches this worker (a reloaded capacity). */
  private registrationStale = false;

  constructor(
    @inject(TOKENS.Config) private readonly config: ResolvedConfig,
    @inject(TOKENS.Storage) private readonly storage: StoragePort,
    @inject(TOKENS.Queue) private readonly queue: TaskQueue,
    @inject(TOKENS.Coordination) private readonly coordination: CoordinationPort,
    @inject(TOKENS.Clock) private readonly clock: Clock,
    @inject(TOKENS.EventBus) private readonly events: EventBus,
    @inject(TOKENS.Metrics) private readonly metrics: MetricsPort,
    @inject(TOKENS.Hooks) private readonly hooks: HookRegistry,
    @inject(TOKENS.Logger) logger: Logger,
    @inject(TOKENS.IdGenerator) newId: () => string,
    @inject(ExecutorRegistry) private readonly executors: ExecutorRegistry,
    @inject(TaskTypeCatalog) private readonly types: TaskTypeCatalog,
    @inject(TaskStateWriter) private readonly state: TaskStateWriter,
    @inject(LocalHandoff) private readonly handoff: LocalHandoff,
  ) {
    // A fresh id per process start: tasks of a previous incarnation are recovered by the
    // leader as a dead worker's, never silently adopted by a process that did not run them.
    this.id = config.worker.id ?? `worker-${nodeIdOf(config)}-${newId().slice(0, 8)}`;
    this.log = logger.child({ component: 'worker', workerId: this.id });
    this.contextServices = { storage, clock, events, logger: this.log, progress: new ProgressWriter(storage, events, this.log) };
    this.acks = new AckBatcher((ids) => this.ack(ids), ACK_DELAY_MS, this.log);
    this.committer = new OutcomeCommitter(
      state,
      storage,
      queue,
      this.log,
      (ids) => this.acks.add(ids, this.taking),
      (outcome, reason) => (outcome.task && outcome.transition ? this.unstorableOutcome(outcome.task, reason) : undefined),
    );
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
    this.registrationStale = true;
    this.wakeSlot();
    if (this.started) await this.heartbeat();
  }

  supportedTypes(): string[] {
    return this.config.worker.supportedTypes ?? this.executors.taskTypes();
  }

  async start(): Promise<void> {
    if (this.started) return;
    this.started = true;
    await this.register();
    this.handoff.localWorkerId = this.id;
    this.unsubscribeCancels = await this.coordination.cancels.subscribeCancels(this.id, (taskId) => this.abortTask(taskId));
    this.heartbeatTimer = setInterval(() => void this.beat(), this.config.worker.heartbeatInterval);
    this.heartbeatTimer.unref();
    this.loop = this.consume();
    this.events.emit('worker_online', { workerId: this.id });
    this.metrics.recordWorkerRegistered(this.id);
    this.log.info({ capacity: this.capacity, types: this.supportedTypes() }, 'worker online');
  }

  /** Stops taking work, waits up to graceful_shutdown_timeout, returns the rest to the queue. */
  async stop(): Promise<void> {
    if (!this.started) return;
    this.started = false;
    clearInterval(this.heartbeatTimer);
    if (this.handoff.localWorkerId === this.id) this.handoff.localWorkerId = undefined;
    // Leave the registry first: from then on `dispatch` refuses this worker (atomically), so
    // the final drain below hands back everything that was ever sent here.
    await this.coordination.workers.removeWorker(this.id).catch((error: unknown) => this.log.warn({ err: error }, 'deregistering failed'));
    this.stopController.abort();
    this.wakeSlot();
    await this.loop;
    await this.waitForRunning(this.config.worker.gracefulShutdownTimeout);
    for (const { abort } of this.running.values()) abort.abort(new ShutdownSignalReason());
    await this.waitForRunning(1_000);
    await this.contextServices.progress.close();
    await this.committer.drain();
    await this.acks.flush(); // what is still due, and no timer left to fire after stop
    // Tasks taken but never started are in our processing list, which the drain below returns.
    this.ready = [];
    this.unread = [];
    await this.returnUnstartedTasks();
    await this.unsubscribeCancels?.();
    await this.storage.markWorkerOffline(this.id, this.clock.now()).catch(() => {});
    this.metrics.recordWorkerOffline(this.id);
    this.events.emit('worker_offline', { workerId: this.id, recoveredTasks: 0 });
    this.log.info('worker stopped');
  }

  private info(): WorkerInfo {
    const now = this.clock.now();
    return {
      workerId: this.id,
      workerName: this.config.worker.name ?? os.hostname(),
      address: this.config.worker.address ?? `${os.hostname()}:${this.config.app.port}`,
      status: 'ONLINE',
      capacity: this.capacity,
      currentLoad: this.load,
      supportedTypes: this.supportedTypes(),
      weight: this.config.worker.weight,
      lastHeartbeat: now,
    };
  }

  private async register(): Promise<void> {
    const info = this.info();
    await this.coordination.workers.register(info, this.config.worker.heartbeatTimeout);
    await this.storage.upsertWorker(info);
  }

  /** Each heartbeat also audits the processing list: a lost take answer surfaces within one interval. */
  private async beat(): Promise<void> {
    await this.heartbeat();
    await this.audit().catch(() => (this.auditDue = true));
  }

  private async heartbeat(): Promise<void> {
    try {
      const now = this.clock.now();
      const known = await this.coordination.workers.heartbeat(this.id, this.load, now, this.config.worker.heartbeatTimeout);
      if (!known || this.registrationStale) {
        this.registrationStale = false;
        await this.coordination.workers.register(this.info(), this.config.worker.heartbeatTimeout).catch((error: unknown) => {
          this.registrationStale = true;
          throw error;
        });
      }
      await this.storage.upsertWorker(this.info());
      this.metrics.recordWorkerLoad(this.id, this.load);
    } catch (error) {
      this.log.warn({ err: error }, 'heartbeat failed');
    }
  }

  private async consume(): Promise<void> {
    const stop = this.stopController.signal;
    while (!stop.aborted) {
      const free = this.capacity - this.running.size;
      if (free <= 0) {
        await new Promise<void>((resolve) => (this.slotWaiter = resolve));
        continue;
      }
      try {
        if (this.auditDue) await this.audit();
        if (this.unread.length > 0) await this.read(this.unread.splice(0));
        else if (this.ready.length === 0) {
          const ids = await this.take(free + TAKE_AHEAD, stop);
          if (ids.length > 0) await this.read(ids);
        }
        this.startReady(free);
      } catch (error) {
        if (stop.aborted) break;
        // The ids of a take whose answer was lost are still in our processing list: the
        // audit finds them once the queue answers again.
        this.auditDue = true;
        this.log.error({ err: error }, 'taking tasks failed; retrying');
        await abortableDelay(500, stop);
      }
    }
  }

  /**
   * Takes up to `max` ids, carrying the acks due (one round trip for both: a finished task is
   * usually followed by a take); when the queue is empty, waits up to takeWait. It takes more
   * than the free slots: whatever the leader queued for us is ours to run (the leader sizes
   * that, see AdaptiveRoom), and one take and one read serve the whole lot.
   */
  private async take(max: number, stop: AbortSignal): Promise<string[]> {
    const acks = this.acks.takeDue();
    this.taking = true;
    this.takes++;
    try {
      const ids = await this.queue.ackAndTake(this.id, acks, max, this.config.worker.takeWait, stop);
      this.forget(acks);
      for (const id of ids) this.held.add(id);
      return ids;
    } catch (error) {
      this.acks.restore(acks);
      throw error;
    } finally {
      this.taking = false;
    }
  }

  /**
   * Reads the taken tasks in one storage call; those still PROCESSING for us are ready to run,
   * the others (cancelled, recovered to another worker, deleted while queued) are acked.
   * A read that fails keeps its ids for the next attempt.
   */
  private async read(ids: string[]): Promise<void> {
    // What the leader of this process just wrote for us needs no read-back.
    const handed: Task[] = [];
    const unknown: string[] = [];
    for (const id of ids) {
      const task = this.handoff.take(id, this.id);
      if (task) handed.push(task);
      else unknown.push(id);
    }
    let tasks: Task[] = [];
    if (unknown.length > 0) {
      try {
        tasks = await this.storage.getTasks(unknown);
      } catch (error) {
        for (const task of handed) this.handoff.put(task);
        this.unread.unshift(...ids);
        throw error;
      }
    }
    const byId = new Map(tasks.map((t) => [t.taskId, t]));
    for (const task of handed) byId.set(task.taskId, task);
    const stale: string[] = [];
    for (const id of ids) {
      const task = byId.get(id);
      if (!task || task.status !== 'PROCESSING' || task.workerId !== this.id) stale.push(id);
      else this.ready.push(task);
    }
    // Ridden on the next take (or sent alone shortly): a failure keeps them due.
    if (stale.length > 0) this.acks.add(stale, this.taking);
  }

  /** Starts ready tasks into the free slots; a task cancelled while it waited is only acked. */
  private startReady(free: number): void {
    let started = 0;
    while (started < free && this.ready.length > 0) {
      const task = this.ready.shift()!;
      if (this.cancelledWaiting.delete(task.taskId)) {
        this.acks.add([task.taskId], this.taking);
        continue;
      }
      this.run(task);
      started++;
    }
  }

  private async ack(ids: string[]): Promise<void> {
    await this.queue.ack(this.id, ids);
    this.forget(ids);
  }

  /** Acked: no longer ours in any way. */
  private forget(ids: readonly string[]): void {
    for (const id of ids) {
      this.held.delete(id);
      this.cancelledWaiting.delete(id);
    }
  }

  /**
   * Ids in our processing list that we do not hold were moved by a take whose answer never
   * arrived (the connection dropped mid-call): they are read and started like any other.
   * Skipped, and retried later, when a take overlaps it: that take's ids could not be told
   * from lost ones.
   */
  private async audit(): Promise<void> {
    if (!this.started || this.taking) return;
    const takes = this.takes;
    const listed = await this.queue.processingIds(this.id);
    this.auditDue = false;
    if (this.taking || this.takes !== takes) return;
    const lost = listed.filter((id) => !this.held.has(id));
    if (lost.length === 0) return;
    this.log.warn({ tasks: lost.length }, 'found taken tasks this worker did not know of; starting them');
    for (const id of lost) {
      this.held.add(id);
      this.unread.push(id);
    }
    this.wakeSlot();
  }

  private run(task: Task): void {
    const abort = new LazyAbort();
    this.running.set(task.taskId, { task, abort });
    void this.execute(task, abort);
  }

  private async execute(task: Task, abort: LazyAbort): Promise<void> {
    const startedAt = performance.now();
    let result: ExecutionResult;
    try {
      // Checked first: with no hook registered, no arguments, promise or await per task.
      if (hasHook(this.hooks, 'task:before-execute')) await this.hooks.callHook('task:before-execute', task);
      const executor = this.executors.get(task.taskType);
      const type = this.types.fresh(task.taskType) ?? (await this.types.find(task.taskType));
      if (!executor || !type) {
        result = { kind: 'failed', error: new NonRetryableError(missingExecutorError(type, task.taskType).message), nonRetryable: true };
      } else {
        const context = new TaskExecutionContext(task, type, this.id, abort, this.contextServices);
        result = await executeWithDeadline(executor, task, abort, context);
        // Only a task that reported progress waits here (its last progress lands before the outcome).
        const progressWritten = context.finish();
        if (progressWritten) await progressWritten;
      }
    } catch (error) {
      result = { kind: 'failed', error, nonRetryable: false };
    }
    const durationMs = performance.now() - startedAt;
    this.running.delete(task.taskId);
    let outcome: Outcome;
    try {
      outcome = this.outcome(task, result, durationMs);
    } catch (error) {
      // An executor's error or result that cannot even be described: the task still ends.
      outcome = this.unstorableOutcome(task, error instanceof Error ? error.message : 'the outcome could not be read');
    }
    this.committer.add(outcome);
    this.wakeSlot();
    if (!hasHook(this.hooks, 'task:after-execute')) return;
    const status = result.kind === 'success' ? 'SUCCESS' : result.kind === 'timeout' ? 'TIMEOUT' : result.kind === 'failed' ? 'FAILED' : 'CANCELLED';
    try {
      await this.hooks.callHook('task:after-execute', task, {
        status,
        result: result.kind === 'success' ? result.result : null,
        error: result.kind === 'failed' ? result.error : undefined,
        durationMs,
      });
    } catch (error) {
      this.log.error({ err: error }, 'task:after-execute hook failed');
    }
  }

  private outcome(task: Task, result: ExecutionResult, durationMs: number): Outcome {
    const now = this.clock.now();
    switch (result.kind) {
      case 'success': {
        const problem = findJsonProblem(result.result, 'result', RESULT_LIMITS);
        if (problem) return this.unstorableOutcome(task, `${problem.path} ${problem.message}`, durationMs);
        return {
          taskId: task.taskId,
          task,
          transition: {
            taskId: task.taskId,
            from: 'PROCESSING',
            expectedWorkerId: this.id,
            at: now,
            to: 'SUCCESS',
            patch: { result: result.result, completedAt: now, errorMsg: null },
            logs: [stateLog(task, 'PROCESSING', 'SUCCESS', LogMessage.completed, now, this.id)],
          },
          after: this.afterSuccess(task, durationMs),
        };
      }
      case 'cancelled':
        // The service already wrote CANCELLED; we only record that the executor stopped.
        return { taskId: task.taskId, logs: [infoLog(task.taskId, LogMessage.cancelledDuringExecution, now, this.id)] };
      case 'shutdown':
        return {
          taskId: task.taskId,
          transition: recoveryTransition(task, this.id, now),
          retry: { taskId: task.taskId, priority: task.priority, dueAt: now },
        };
      case 'timeout':
        return this.failureOutcome(task, 'TIMEOUT', { message: LogMessage.executionTimeout, detail: result.error.message }, false, durationMs);
      case 'failed':
        return this.failureOutcome(task, 'FAILED', describeError(result.error), result.nonRetryable, durationMs);
    }
  }

  /**
   * A final FAILED saying why the real outcome cannot be kept (a result storage cannot hold,
   * or a row it refused): the task ends, and the worker goes on with the others.
   */
  private unstorableOutcome(task: Task, reason: string, durationMs = 0): Outcome {
    return this.failureOutcome(task, 'FAILED', { message: `${LogMessage.outcomeNotStored}: ${reason}`, detail: null }, true, durationMs);
  }

  private failureOutcome(
    task: Task,
    status: 'FAILED' | 'TIMEOUT',
    error: { message: string; detail: string | null },
    nonRetryable: boolean,
    durationMs: number,
  ): Outcome {
    const plan = planFailure({
      task,
      type: this.types.cached(task.taskType),
      status,
      errorMsg: error.message,
      errorDetail: error.detail,
      nonRetryable,
      workerId: this.id,
      now: this.clock.now(),
    });
    return {
      taskId: task.taskId,
      task,
      transition: { ...plan.transition, expectedWorkerId: this.id },
      retry: plan.retry,
      after: (applied) => {
        if (!applied) return;
        this.metrics.recordTaskCompleted(task.taskType, durationMs / 1000, status);
        this.metrics.recordTaskFailed(task.taskType, status === 'TIMEOUT' ? 'timeout' : nonRetryable ? 'non_retryable' : 'error');
        this.events.emit('task_failed', { taskId: task.taskId, taskType: task.taskType, workerId: this.id, status, error: plan.transition.patch.errorMsg ?? error.message, final: !plan.retry });
        if (plan.retry) {
          this.events.emit('task_retried', { taskId: task.taskId, taskType: task.taskType, retryCount: plan.retry.retryCount, delayMs: plan.retry.delayMs });
        }
      },
    };
  }

  /** Returned rather than written inline: a per-task closure that is not named costs less (no keepNames call). */
  private afterSuccess(task: Task, durationMs: number): (applied: boolean) => void {
    return (applied) => {
      if (!applied) return;
      this.metrics.recordTaskCompleted(task.taskType, durationMs / 1000, 'SUCCESS');
      this.events.emit('task_completed', { taskId: task.taskId, taskType: task.taskType, workerId: this.id, durationMs });
    };
  }

  /**
   * A running task is aborted; any other is remembered, since it may be on its way to us (taken
   * but not read, or handed over by our leader after storage already said CANCELLED), and is
   * then acked instead of started. Bounded: the oldest are forgotten first.
   */
  private abortTask(taskId: string): void {
    const running = this.running.get(taskId);
    if (running) {
      running.abort.abort(new CancelSignalReason());
      return;
    }
    this.cancelledWaiting.add(taskId);
    if (this.cancelledWaiting.size > MAX_REMEMBERED_CANCELS) {
      const oldest = this.cancelledWaiting.values().next().value;
      if (oldest !== undefined) this.cancelledWaiting.delete(oldest);
    }
  }

  private wakeSlot(): void {
    const waiter = this.slotWaiter;
    this.slotWaiter = undefined;
    waiter?.();
  }

  private async waitForRunning(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.running.size > 0 && Date.now() < deadline) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.min(50, Math.max(1, deadline - Date.now())));
        this.slotWaiter = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
  }

  /** Tasks dispatched to us that we never started go back to PENDING for another worker. */
  private async returnUnstartedTasks(): Promise<void> {
    const ids = await this.queue.drainWorker(this.id);
    if (ids.length === 0) return;
    const tasks = (await this.storage.getTasks(ids)).filter((t) => t.status === 'PROCESSING' && t.workerId === this.id);
    await requeueFromWorker(tasks, this.id, this.clock.now(), this.state, this.queue);
  }
}

export function nodeIdOf(config: ResolvedConfig): string {
  return config.app.nodeId ?? os.hostname().replace(/[^A-Za-z0-9_.-]/g, '-').slice(0, 40);
}

function abortableDelay(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => {
      clearTimeout(timer);
      resolve();
    }, { once: true });
  });
}
