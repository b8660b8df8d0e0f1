import { inject, injectable } from 'tsyringe';
import { ErrorCode, InvalidParameterError, InvalidStateError, TaskManagerError, TaskNotFoundError } from '../../domain/errors.ts';
import { TASK_TYPE_PATTERN, type Task } from '../../domain/task.ts';
import { findJsonProblem } from '../../domain/json-limits.ts';
import { LogMessage, type TaskLog } from '../../domain/task-log.ts';
import type { TaskTypeConfig } from '../../domain/task-type.ts';
import type { Clock, IdGenerator } from '../../ports/clock.ts';
import type { CoordinationPort } from '../../ports/coordination.ts';
import type { EventBus } from '../../ports/event-bus.ts';
import type { Logger } from '../../ports/logger.ts';
import type { MetricsPort } from '../../ports/metrics.ts';
import type { DelayedEntry, QueueEntry, TaskQueue } from '../../ports/queue.ts';
import type { Page, PageRequest, StoragePort, TaskFilter } from '../../ports/storage.ts';
import type { TaskTypeInput } from '../../config/config-schema.ts';
import { TOKENS } from '../../config/tokens.ts';
import { buildNewTask, type CreateTaskInput } from './create-task-input.ts';
import { EnqueueRetry } from './enqueue-retry.ts';
import { ExecutorRegistry, executorProblem } from '../executor-registry.ts';
import { stateLog } from '../log-entries.ts';
import { TaskStateWriter } from '../task-state.ts';
import { TaskTypeCatalog } from '../task-type-catalog.ts';

export type { CreateTaskInput } from './create-task-input.ts';

export interface CreatedTask {
  task: Task;
  /** false when the idempotency key matched an existing task. */
  created: boolean;
}

/** The use cases behind the API: create, read, list, cancel, retry, logs, task types. */
@injectable()
export class TaskService {
  private readonly enqueueRetry: EnqueueRetry;

  constructor(
    @inject(TOKENS.Storage) private readonly storage: StoragePort,
    @inject(TOKENS.Queue) private readonly queue: TaskQueue,
    @inject(TOKENS.Coordination) private readonly coordination: CoordinationPort,
    @inject(TOKENS.Clock) private readonly clock: Clock,
    @inject(TOKENS.IdGenerator) private readonly newId: IdGenerator,
    @inject(TOKENS.EventBus) private readonly events: EventBus,
    @inject(TOKENS.Metrics) private readonly metrics: MetricsPort,
    @inject(TaskStateWriter) private readonly state: TaskStateWriter,
    @inject(TaskTypeCatalog) private readonly types: TaskTypeCatalog,
    @inject(TOKENS.Logger) private readonly logger: Logger,
    @inject(ExecutorRegistry) private readonly executors: ExecutorRegistry,
  ) {
    this.enqueueRetry = new EnqueueRetry(queue, logger);
  }

  /** Stops retrying enqueues (after one last attempt); called when the app stops. */
  close(): Promise<void> {
    return this.enqueueRetry.close();
  }

  async create(input: CreateTaskInput): Promise<CreatedTask> {
    const [created] = await this.createMany([input]);
    return created!;
  }

  /**
   * Validates every input first (nothing is written when one is bad), then writes all tasks
   * and their first logs in one storage call and enqueues them in one queue call per kind.
   * A crash between the write and the enqueue leaves PENDING tasks that reconciliation finds.
   */
  async createMany(inputs: readonly CreateTaskInput[]): Promise<CreatedTask[]> {
    if (inputs.length === 0) return [];
    const now = this.clock.now();
    const many = inputs.length > 1;
    // A replay of an idempotency key answers with the first task, whatever the new body says
    // (docs/api.md), so existing keys are looked up before the body is validated.
    const replayed = await this.existingTasks(inputs);
    const results: (CreatedTask | undefined)[] = [];
    const newTasks = [];
    const slots: number[] = [];
    for (const [index, input] of inputs.entries()) {
      const existing = input.idempotencyKey === undefined ? undefined : replayed.get(input.idempotencyKey);
      if (existing) {
        results.push({ task: existing, created: false });
        continue;
      }
      const field = many ? `tasks[${index}]` : '';
      const type = await this.requireType(input.taskType, field);
      newTasks.push(buildNewTask(input, type, now, this.newId, field));
      slots.push(index);
      results.push(undefined);
    }
    const stored = newTasks.length > 0 ? await this.storage.createTasks(newTasks) : [];
    for (const [i, result] of stored.entries()) results[slots[i]!] = result;

    const ready: QueueEntry[] = [];
    const delayed: DelayedEntry[] = [];
    const createdPerType = new Map<string, number>();
    for (const { task, created } of stored) {
      if (!created) continue;
      const entry = { taskId: task.taskId, priority: task.priority };
      if (task.scheduledAt.getTime() > now.getTime()) delayed.push({ ...entry, dueAt: task.scheduledAt });
      else ready.push(entry);
      createdPerType.set(task.taskType, (createdPerType.get(task.taskType) ?? 0) + 1);
    }
    await this.enqueueOrRetry(ready, delayed);

    for (const [taskType, count] of createdPerType) this.metrics.recordTaskCreated(taskType, count);
    for (const { task, created } of stored) {
      if (created) this.events.emit('task_created', { taskId: task.taskId, taskType: task.taskType, priority: task.priority });
    }
    return results as CreatedTask[];
  }

  async get(taskId: string): Promise<Task> {
    const task = await this.state.read(taskId);
    if (!task) throw new TaskNotFoundError(taskId);
    return task;
  }

  list(filter: TaskFilter, page: PageRequest): Promise<Page<Task>> {
    return this.storage.listTasks(filter, page);
  }

  count(filter: TaskFilter): Promise<number> {
    return this.storage.countTasks(filter);
  }

  async logs(taskId: string): Promise<TaskLog[]> {
    await this.get(taskId);
    return this.storage.getLogs(taskId);
  }

  /**
   * PENDING → CANCELLED (it will never run), or PROCESSING → CANCELLED and the worker is told
   * to abort the executor at once. The status guard makes a race with the scheduler or the
   * worker safe: whoever writes first wins, and we re-read and decide again.
   */
  async cancel(taskId: string): Promise<Task> {
    for (let attempt = 0; attempt < 3; attempt++) {
      const task = await this.get(taskId);
      if (task.status !== 'PENDING' && task.status !== 'PROCESSING') {
        throw new InvalidStateError(`task cannot be cancelled, current status: ${task.status}`, {
          task_id: taskId,
          status: task.status,
        });
      }
      const now = this.clock.now();
      const { applied } = await this.state.transition([
        {
          taskId,
          from: task.status,
          to: 'CANCELLED',
          expectedWorkerId: task.workerId ?? undefined,
          patch: { completedAt: now },
          logs: [stateLog(task, task.status, 'CANCELLED', LogMessage.cancelledByUser, now, task.workerId)],
          at: now,
        },
      ]);
      if (applied.length === 0) continue;
      if (task.status === 'PROCESSING') await this.coordination.cancels.requestCancel(taskId, task.workerId);
      this.events.emit('task_cancelled', { taskId, taskType: task.taskType, from: task.status });
      return this.get(taskId);
    }
    throw new InvalidStateError('task changed state while being cancelled; try again', { task_id: taskId });
  }

  /**
   * Manual retry of a FAILED or TIMEOUT task, usually one whose automatic retries are used
   * up: it goes back to PENDING with a fresh retry budget (retry_count 0).
   */
  async retry(taskId: string): Promise<Task> {
    const task = await this.get(taskId);
    if (task.status !== 'FAILED' && task.status !== 'TIMEOUT') {
      throw new InvalidStateError(`only FAILED or TIMEOUT tasks can be retried, current status: ${task.status}`, {
        task_id: taskId,
        status: task.status,
      });
    }
    const now = this.clock.now();
    const { applied } = await this.state.transition([
      {
        taskId,
        from: task.status,
        to: 'PENDING',
        patch: { retryCount: 0, workerId: null, startedAt: null, completedAt: null, scheduledAt: now },
        logs: [{ ...stateLog(task, task.status, 'PENDING', LogMessage.manualRetry, now, null), logType: 'RETRY', retryCount: 0 }],
        at: now,
      },
    ]);
    if (applied.length === 0) throw new InvalidStateError('task changed state while being retried; try again', { task_id: taskId });
    await this.enqueueOrRetry([{ taskId, priority: task.priority }], []);
    this.events.emit('task_retried', { taskId, taskType: task.taskType, retryCount: 0, delayMs: 0 });
    return this.get(taskId);
  }

  listTaskTypes(): Promise<TaskTypeConfig[]> {
    return this.types.list();
  }

  async getTaskType(taskType: string): Promise<TaskTypeConfig> {
    const config = await this.types.find(taskType);
    if (!config) throw new TaskManagerError(ErrorCode.NOT_FOUND, `task type "${taskType}" not found`, { task_type: taskType });
    return config;
  }

  /**
   * Creates or replaces a task type. Its executor_config must be storable JSON, and a new type
   * (or a new executor_type) must name the executor that serves it in this process, or its
   * tasks would wait PENDING forever. A process with no executors (an API-only node with its
   * own config) cannot tell, and accepts it.
   */
  async putTaskType(input: TaskTypeInput): Promise<TaskTypeConfig> {
    const problem = findJsonProblem(input.executorConfig ?? {}, 'executor_config');
    if (problem) throw new InvalidParameterError(`invalid parameter ${problem.path}: ${problem.message}`, { field: problem.path });
    const current = await this.types.find(input.taskType);
    if (current?.executorType !== input.executorType) {
      const problem = executorProblem(this.executors, input.taskType, input.executorType);
      if (problem) throw new InvalidParameterError(`invalid parameter executor_type: ${problem}`, { field: 'executor_type' });
    }
    return this.types.put(input);
  }

  /**
   * The tasks are durable once stored: answering with an error would make a client without an
   * idempotency key create them twice. When the queue is down they are queued as soon as it
   * answers again (EnqueueRetry), with reconciliation as the last safety net.
   */
  private async enqueueOrRetry(ready: QueueEntry[], delayed: DelayedEntry[]): Promise<void> {
    try {
      if (ready.length > 0) await this.queue.enqueue(ready);
    } catch {
      this.enqueueRetry.add(ready, delayed);
      return;
    }
    try {
      if (delayed.length > 0) await this.queue.schedule(delayed);
    } catch {
      this.enqueueRetry.add([], delayed);
    }
  }

  private async existingTasks(inputs: readonly CreateTaskInput[]): Promise<Map<string, Task>> {
    const keys = inputs.flatMap((input) =>
      typeof input.idempotencyKey === 'string' && TASK_TYPE_PATTERN.test(input.idempotencyKey) ? [input.idempotencyKey] : [],
    );
    if (keys.length === 0) return new Map();
    return new Map((await this.storage.getTasks(keys)).map((task) => [task.taskId, task]));
  }

  private async requireType(taskType: unknown, field: string): Promise<TaskTypeConfig> {
    const at = field ? `${field}.task_type` : 'task_type';
    if (typeof taskType !== 'string' || taskType.length === 0) throw new InvalidParameterError('task_type is required', { field: at });
    if (!TASK_TYPE_PATTERN.test(taskType)) {
      throw new InvalidParameterError(`invalid parameter ${at}: must be 1–64 characters of [A-Za-z0-9_.:-]`, { field: at });
    }
    return this.types.requireEnabled(taskType);
  }
}
