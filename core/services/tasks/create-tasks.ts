import { InvalidParameterError, TaskManagerError } from '../../domain/errors.ts';
import { isScheduledTaskId } from '../../domain/schedule.ts';
import { TASK_TYPE_PATTERN, type Task } from '../../domain/task.ts';
import type { TaskTypeConfig } from '../../domain/task-type.ts';
import type { Clock, IdGenerator } from '../../ports/clock.ts';
import type { EventBus } from '../../ports/event-bus.ts';
import type { MetricsPort } from '../../ports/metrics.ts';
import type { DelayedEntry, QueueEntry } from '../../ports/queue.ts';
import type { CreateTaskResult, NewTask, StoragePort } from '../../ports/storage.ts';
import type { TraceSpan, Tracer } from '../../ports/tracer.ts';
import { taskSpanAttributes } from '../trace-context.ts';
import type { TaskTypeCatalog } from '../task-type-catalog.ts';
import { buildNewTask, type CreateTaskInput } from './create-task-input.ts';
import type { DependencyTracker } from '../dependencies/dependency-tracker.ts';
import { dependencyIds, requireExisting, usesDependencies } from './dependency-input.ts';
import type { EnqueueBatcher } from './enqueue-batcher.ts';

export interface CreatedTask {
  task: Task;
  /** false when the idempotency key matched an existing task. */
  created: boolean;
}

export interface CreateTasksParams {
  storage: StoragePort;
  clock: Clock;
  newId: IdGenerator;
  events: EventBus;
  metrics: MetricsPort;
  types: TaskTypeCatalog;
  enqueue: EnqueueBatcher;
  dependencies: DependencyTracker;
  tracer: Tracer;
}

/** Creating tasks: one or a batch, idempotent by key. */
export class CreateTasks {
  /** Set only while tracing is on: otherwise creating a task does no tracing work at all. */
  private readonly tracer: Tracer | undefined;

  constructor(private readonly params: CreateTasksParams) {
    this.tracer = params.tracer.enabled ? params.tracer : undefined;
  }

  /**
   * Validates every input first (nothing is written when one is bad), then writes all tasks
   * and their first logs in one storage call and enqueues them in one queue call per kind.
   * A crash between the write and the enqueue leaves PENDING tasks that reconciliation finds.
   */
  async createMany(inputs: readonly CreateTaskInput[]): Promise<CreatedTask[]> {
    if (inputs.length === 0) return [];
    const { storage, clock, newId } = this.params;
    const now = clock.now();
    const many = inputs.length > 1;
    const withDependencies = usesDependencies(inputs);
    // A replay of an idempotency key answers with the first task, whatever the new body says
    // (docs/api.md), so existing keys are looked up before the body is validated.
    const replayed = await this.existingTasks(inputs);
    const results: (CreatedTask | undefined)[] = [];
    const newTasks: NewTask[] = [];
    const slots: number[] = [];
    const idOfItem: string[] = [];
    const named: { id: string; field: string; index?: number }[] = [];
    for (const [index, input] of inputs.entries()) {
      const existing = input.idempotencyKey === undefined ? undefined : replayed.get(input.idempotencyKey);
      if (existing) {
        results.push({ task: existing, created: false });
        idOfItem.push(existing.taskId);
        continue;
      }
      const field = many ? `tasks[${index}]` : '';
      await naming(many ? index : undefined, async () => {
        const type = await this.requireType(input.taskType, field);
        const task = buildNewTask(input, type, now, newId, field);
        if (withDependencies) {
          const dependsOn = dependencyIds(input, many ? index : 0, field, (item) => idOfItem[item]!);
          if (dependsOn?.includes(task.taskId)) {
            throw new InvalidParameterError('a task cannot depend on itself', {
              field: field ? `${field}.depends_on` : 'depends_on',
            });
          }
          if (dependsOn) task.dependsOn = dependsOn;
          for (const [k, id] of (input.dependsOn ?? []).entries()) {
            const at = field ? `${field}.depends_on[${k}]` : `depends_on[${k}]`;
            named.push(many ? { id, field: at, index } : { id, field: at });
          }
        }
        newTasks.push(task);
        idOfItem.push(task.taskId);
      });
      slots.push(index);
      results.push(undefined);
    }
    if (withDependencies) await requireExisting(storage, named);
    const spans =
      this.tracer && newTasks.length > 0 ? this.startSpans(this.tracer, newTasks, inputs, slots) : undefined;
    try {
      const stored = newTasks.length > 0 ? await storage.createTasks(newTasks) : [];
      for (const [i, result] of stored.entries()) results[slots[i]!] = result;
      await this.afterStore(stored, newTasks, now);
    } catch (error) {
      if (spans) for (const span of spans) span.recordError(error);
      throw error;
    } finally {
      if (spans) for (const span of spans) span.end();
    }
    return results as CreatedTask[];
  }

  /**
   * One `task.create` span per new task, the child of the request's traceparent when it
   * sent one; the task carries the span into storage (trace_parent), where the scheduler
   * picks it up as the parent of its `task.dispatch` (core/services/trace-context.ts).
   */
  private startSpans(
    tracer: Tracer,
    newTasks: NewTask[],
    inputs: readonly CreateTaskInput[],
    slots: readonly number[],
  ): TraceSpan[] {
    return newTasks.map((task, i) => {
      const span = tracer.startSpan({
        name: 'task.create',
        kind: 'producer',
        parent: inputs[slots[i]!]!.traceParent,
        attributes: taskSpanAttributes({ taskId: task.taskId, taskType: task.taskType, retryCount: 0 }),
      });
      task.traceParent = span.traceParent;
      return span;
    });
  }

  /**
   * Queues what was stored (a task waiting for dependencies waits in no queue) and tells the
   * metrics and the event bus.
   */
  private async afterStore(
    stored: readonly CreateTaskResult[],
    newTasks: readonly NewTask[],
    now: Date,
  ): Promise<void> {
    const { events, metrics, enqueue, dependencies } = this.params;
    const ready: QueueEntry[] = [];
    const delayed: DelayedEntry[] = [];
    const createdPerType = new Map<string, number>();
    const waitedOn = new Set<string>();
    for (const [i, { task, created, waiting }] of stored.entries()) {
      if (!created) continue;
      createdPerType.set(task.taskType, (createdPerType.get(task.taskType) ?? 0) + 1);
      // A dependent waits in no queue: settling its dependencies releases it.
      if (waiting) {
        for (const id of newTasks[i]!.dependsOn ?? []) waitedOn.add(id);
        continue;
      }
      const entry = { taskId: task.taskId, priority: task.priority };
      if (task.scheduledAt.getTime() > now.getTime()) delayed.push({ ...entry, dueAt: task.scheduledAt });
      else ready.push(entry);
    }
    await enqueue.add(ready, delayed);

    for (const [taskType, count] of createdPerType) metrics.recordTaskCreated(taskType, count);
    for (const { task, created } of stored) {
      if (created)
        events.emit('task_created', { taskId: task.taskId, taskType: task.taskType, priority: task.priority });
    }
    // A dependency may have ended while its dependents were written, its own settling missing
    // them: settle once more now that they are committed (a no-op for the ones still running).
    if (waitedOn.size > 0) await dependencies.settleNow([...waitedOn]);
  }

  /**
   * Validates and builds tasks without writing them, for a storage that writes them in the
   * caller's own transaction (transactional enqueue); ids are decided here. Dependencies are
   * not supported on that path.
   */
  async prepare(inputs: readonly CreateTaskInput[]): Promise<NewTask[]> {
    const now = this.params.clock.now();
    const many = inputs.length > 1;
    const built: NewTask[] = [];
    for (const [index, input] of inputs.entries()) {
      const field = many ? `tasks[${index}]` : '';
      await naming(many ? index : undefined, async () => {
        if (input.dependsOn !== undefined || input.dependsOnIndex !== undefined)
          throw new InvalidParameterError('a task enqueued in a transaction cannot have dependencies', {
            field: field ? `${field}.depends_on` : 'depends_on',
          });
        built.push(buildNewTask(input, await this.requireType(input.taskType, field), now, this.params.newId, field));
      });
    }
    return built;
  }

  /**
   * Tasks another writer committed (transactional enqueue): the PENDING ones are queued and
   * announced like fresh creates. Ids that are missing (rolled back) or no longer PENDING are
   * skipped; calling twice queues twice, which the dispatcher's status check absorbs.
   */
  async announce(taskIds: readonly string[]): Promise<number> {
    const { storage, clock, events, metrics, enqueue } = this.params;
    const tasks = (await storage.getTasks(taskIds)).filter(
      (task) => task.status === 'PENDING' && task.startedAt === null,
    );
    const now = clock.now().getTime();
    const ready: QueueEntry[] = [];
    const delayed: DelayedEntry[] = [];
    const perType = new Map<string, number>();
    for (const task of tasks) {
      const entry = { taskId: task.taskId, priority: task.priority };
      if (task.scheduledAt.getTime() > now) delayed.push({ ...entry, dueAt: task.scheduledAt });
      else ready.push(entry);
      perType.set(task.taskType, (perType.get(task.taskType) ?? 0) + 1);
    }
    await enqueue.add(ready, delayed);
    for (const [taskType, count] of perType) metrics.recordTaskCreated(taskType, count);
    for (const task of tasks)
      events.emit('task_created', { taskId: task.taskId, taskType: task.taskType, priority: task.priority });
    return tasks.length;
  }

  private async existingTasks(inputs: readonly CreateTaskInput[]): Promise<Map<string, Task>> {
    const keys = inputs.flatMap((input) =>
      typeof input.idempotencyKey === 'string' &&
      (TASK_TYPE_PATTERN.test(input.idempotencyKey) ||
        (input.firedBySchedule && isScheduledTaskId(input.idempotencyKey)))
        ? [input.idempotencyKey]
        : [],
    );
    if (keys.length === 0) return new Map();
    return new Map((await this.params.storage.getTasks(keys)).map((task) => [task.taskId, task]));
  }

  private async requireType(taskType: unknown, field: string): Promise<TaskTypeConfig> {
    const at = field ? `${field}.task_type` : 'task_type';
    if (typeof taskType !== 'string' || taskType.length === 0)
      throw new InvalidParameterError('task_type is required', { field: at });
    if (!TASK_TYPE_PATTERN.test(taskType)) {
      throw new InvalidParameterError(`invalid parameter ${at}: must be 1–64 characters of [A-Za-z0-9_.:-]`, {
        field: at,
      });
    }
    return this.params.types.requireEnabled(taskType);
  }
}

/**
 * Runs the checks of batch item `index`; a 40001/40002 they throw names the item: its message
 * starts with `tasks[<index>]` and its details carry `index` (docs/api.md, "Batch errors").
 */
async function naming(index: number | undefined, check: () => Promise<void>): Promise<void> {
  try {
    await check();
  } catch (error) {
    if (index === undefined || !(error instanceof TaskManagerError) || (error.code !== 40001 && error.code !== 40002))
      throw error;
    const prefix = `tasks[${index}]`;
    const message = error.message.includes(prefix) ? error.message : `${prefix}: ${error.message}`;
    const details =
      typeof error.details === 'object' && error.details !== null ? { ...error.details, index } : { index };
    throw error.code === 40001
      ? new InvalidParameterError(message, details)
      : new TaskManagerError(error.code, message, details);
  }
}
