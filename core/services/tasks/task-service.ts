import { inject, injectable } from 'tsyringe';
import type { TaskTypeInput } from '../../config/config-schema.ts';
import { TOKENS } from '../../config/tokens.ts';
import type { Task } from '../../domain/task.ts';
import type { TaskLog } from '../../domain/task-log.ts';
import type { TaskTypeConfig } from '../../domain/task-type.ts';
import type { Clock, IdGenerator } from '../../ports/clock.ts';
import type { CoordinationPort } from '../../ports/coordination.ts';
import type { EventBus } from '../../ports/event-bus.ts';
import type { Logger } from '../../ports/logger.ts';
import type { MetricsPort } from '../../ports/metrics.ts';
import type { TaskQueue } from '../../ports/queue.ts';
import type { NewTask, Page, PageRequest, StoragePort, TaskFilter } from '../../ports/storage.ts';
import type { Tracer } from '../../ports/tracer.ts';
import { DependencyTracker } from '../dependencies/dependency-tracker.ts';
import { ExecutorRegistry } from '../executor-registry.ts';
import { TaskStateWriter } from '../task-state.ts';
import { TaskTypeCatalog } from '../task-type-catalog.ts';
import { bulkCancel, bulkRetry, type BulkDeps, type BulkFilter } from './bulk-actions.ts';
import { cancelTask } from './cancel-task.ts';
import type { CreateTaskInput } from './create-task-input.ts';
import { CreateTasks, type CreatedTask } from './create-tasks.ts';
import { EnqueueBatcher } from './enqueue-batcher.ts';
import { EnqueueRetry } from './enqueue-retry.ts';
import { readTask } from './read-task.ts';
import { retryTask } from './retry-task.ts';
import { releasePausedTasks } from './release-paused.ts';
import { getTaskType, putTaskType } from './task-types.ts';

export type { CreateTaskInput } from './create-task-input.ts';
export type { CreatedTask } from './create-tasks.ts';
export type { BulkFilter } from './bulk-actions.ts';

/**
 * The use cases behind the API (HTTP, gRPC, the CLI): create, read, list, cancel, retry, logs,
 * task types. Each lives in its own file here; this class wires them to the app's ports.
 */
@injectable()
export class TaskService {
  private readonly enqueueRetry: EnqueueRetry;
  /** Stored tasks go to the queue through here: concurrent creates share one queue call. */
  private readonly enqueue: EnqueueBatcher;
  private readonly creating: CreateTasks;
  /** Releases (or cancels) dependents when their dependencies end here. */
  private readonly dependencies: DependencyTracker;

  constructor(
    @inject(TOKENS.Storage) private readonly storage: StoragePort,
    @inject(TOKENS.Queue) private readonly queue: TaskQueue,
    @inject(TOKENS.Coordination) private readonly coordination: CoordinationPort,
    @inject(TOKENS.Clock) private readonly clock: Clock,
    @inject(TOKENS.IdGenerator) newId: IdGenerator,
    @inject(TOKENS.EventBus) private readonly events: EventBus,
    @inject(TOKENS.Metrics) metrics: MetricsPort,
    @inject(TaskStateWriter) private readonly state: TaskStateWriter,
    @inject(TaskTypeCatalog) private readonly types: TaskTypeCatalog,
    @inject(TOKENS.Logger) logger: Logger,
    @inject(ExecutorRegistry) private readonly executors: ExecutorRegistry,
    @inject(TOKENS.Tracer) tracer: Tracer,
  ) {
    this.enqueueRetry = new EnqueueRetry(queue, logger);
    this.enqueue = new EnqueueBatcher(queue, this.enqueueRetry);
    const enqueue = this.enqueue;
    this.dependencies = new DependencyTracker(
      { storage, clock, events, enqueue: (ready, delayed) => enqueue.add(ready, delayed) },
      logger,
    );
    this.dependencies.listen(events);
    this.creating = new CreateTasks({
      storage,
      clock,
      newId,
      events,
      metrics,
      types,
      enqueue,
      dependencies: this.dependencies,
      tracer,
    });
  }

  /** Stops settling dependencies and retrying enqueues (after one last attempt); called when the app stops. */
  async close(): Promise<void> {
    await this.dependencies.close();
    await this.enqueueRetry.close();
  }

  async create(input: CreateTaskInput): Promise<CreatedTask> {
    const [created] = await this.creating.createMany([input]);
    return created!;
  }

  /** Validates every input first; writes all tasks in one storage call (create-tasks.ts). */
  createMany(inputs: readonly CreateTaskInput[]): Promise<CreatedTask[]> {
    return this.creating.createMany(inputs);
  }

  /**
   * Transactional enqueue, step 1: validated, ready-to-insert tasks (ids decided) for a storage
   * plugin that writes them in the caller's own transaction (storage-mysql's transactional-enqueue.ts).
   */
  prepare(inputs: readonly CreateTaskInput[]): Promise<NewTask[]> {
    return this.creating.prepare(inputs);
  }

  /** Transactional enqueue, step 2, after the caller's commit: queues the tasks that exist; returns how many. */
  announce(taskIds: readonly string[]): Promise<number> {
    return this.creating.announce(taskIds);
  }

  /** The task with its `dependsOn` ([] when none; one more read, of the task's own edges). */
  async get(taskId: string): Promise<Task> {
    const task = await readTask(this.state, taskId);
    const dependsOn = (await this.storage.getDependencies([taskId])).get(taskId) ?? [];
    return { ...task, dependsOn };
  }

  list(filter: TaskFilter, page: PageRequest): Promise<Page<Task>> {
    return this.storage.listTasks(filter, page);
  }

  count(filter: TaskFilter): Promise<number> {
    return this.storage.countTasks(filter);
  }

  async logs(taskId: string): Promise<TaskLog[]> {
    await readTask(this.state, taskId);
    return this.storage.getLogs(taskId);
  }

  /** PENDING or PROCESSING → CANCELLED; a running executor is aborted (cancel-task.ts). */
  cancel(taskId: string): Promise<Task> {
    return cancelTask(this.state, this.coordination.cancels, this.clock, this.events, taskId);
  }

  /** FAILED or TIMEOUT → PENDING with a fresh retry budget (retry-task.ts). */
  retry(taskId: string): Promise<Task> {
    return retryTask(this.state, this.enqueue, this.clock, this.events, taskId);
  }

  /** Every FAILED / TIMEOUT task the filter matches (up to `limit`) → PENDING; returns how many (bulk-actions.ts). */
  retryMany(filter: BulkFilter, limit?: number): Promise<number> {
    return bulkRetry(this.bulkDeps(), filter, limit);
  }

  /** Every PENDING / PROCESSING task the filter matches (up to `limit`) → CANCELLED; returns how many. */
  cancelMany(filter: BulkFilter, limit?: number): Promise<number> {
    return bulkCancel(this.bulkDeps(), filter, limit);
  }

  private bulkDeps(): BulkDeps {
    return {
      storage: this.storage,
      state: this.state,
      clock: this.clock,
      events: this.events,
      enqueue: this.enqueue,
      cancels: this.coordination.cancels,
    };
  }

  listTaskTypes(): Promise<TaskTypeConfig[]> {
    return this.types.list();
  }

  getTaskType(taskType: string): Promise<TaskTypeConfig> {
    return getTaskType(this.types, taskType);
  }

  /** Creates or replaces a task type, checked against the executors of this process (task-types.ts). */
  putTaskType(input: TaskTypeInput): Promise<TaskTypeConfig> {
    return putTaskType(this.types, this.executors, input);
  }

  /**
   * Pauses a task type across the cluster (durably): its tasks are still accepted and wait
   * PENDING; running ones finish. The leader stops dispatching it at its next round (within
   * the catalog's refresh on another node). 40402 when the type does not exist.
   */
  async pauseTaskType(taskType: string): Promise<TaskTypeConfig> {
    await getTaskType(this.types, taskType);
    if (!(await this.types.setPaused(taskType, true))) await getTaskType(this.types, taskType);
    this.events.emit('task_type_paused', { taskType, paused: true });
    return getTaskType(this.types, taskType);
  }

  /** Resumes a task type and queues again the tasks the leader set aside while it was paused. */
  async resumeTaskType(taskType: string): Promise<TaskTypeConfig> {
    await getTaskType(this.types, taskType);
    if (!(await this.types.setPaused(taskType, false))) await getTaskType(this.types, taskType);
    await releasePausedTasks(this.storage, this.queue, this.clock, taskType);
    this.events.emit('task_type_paused', { taskType, paused: false });
    return getTaskType(this.types, taskType);
  }
}
