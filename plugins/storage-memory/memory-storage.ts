import {
  applyPatch,
  assertTransition,
  creationLogs,
  dependencyCancelLog,
  type Clock,
  type CreateTaskResult,
  type DependencySettlement,
  type NewTask,
  type NewTaskLog,
  type Page,
  type PageRequest,
  type ProgressUpdate,
  type StoragePort,
  type Task,
  type TaskFilter,
  type TaskLog,
  type TaskStatus,
  type TaskTransition,
  type TaskTypeConfig,
  type TransitionResult,
  type WorkerInfo,
} from '../../core/index.ts';
import { DependencyGraph } from './dependency-graph.ts';
import { countTasks, listTasksPage } from './list-tasks.ts';
import { frozenJson, frozenTaskType, logView, taskView, workerView } from './snapshot.ts';
import { TaskIndexes } from './task-indexes.ts';

/**
 * The storage port in process memory: tests, local development and the embedded default.
 * Every method runs synchronously inside its promise, so each call is atomic with respect to
 * every other call, which is what the status guard of `transition` relies on.
 */
export class MemoryStorage implements StoragePort {
  private readonly tasks = new Map<string, Task>();
  private readonly indexes = new TaskIndexes();
  private readonly logs = new Map<string, TaskLog[]>();
  private nextLogId = 1;
  private readonly taskTypes = new Map<string, TaskTypeConfig>();
  private readonly workers = new Map<string, WorkerInfo>();
  private readonly dependencies = new DependencyGraph();
  private readonly read = (taskId: string): Task | undefined => this.tasks.get(taskId);

  constructor(private readonly clock: Clock) {}

  async ping(): Promise<void> {}

  /** All or nothing: every task is built (and its JSON copied) before any is stored. */
  async createTasks(newTasks: NewTask[]): Promise<CreateTaskResult[]> {
    const batch = new Map<string, { task: Task; input: NewTask }>();
    const results = newTasks.map((input): CreateTaskResult => {
      const existing = this.tasks.get(input.taskId) ?? batch.get(input.taskId)?.task;
      if (existing) return { task: existing, created: false };
      const task = newTask(input);
      batch.set(task.taskId, { task, input });
      return { task, created: true };
    });
    for (const { task, input } of batch.values()) {
      this.write(undefined, task);
      for (const log of creationLogs(input)) this.appendLog(log);
    }
    // After the whole batch is in: an edge may name an earlier task of the same batch.
    const waiting = new Set<string>();
    for (const { task, input } of batch.values()) {
      if (
        input.dependsOn &&
        input.dependsOn.length > 0 &&
        this.dependencies.add(task.taskId, input.dependsOn, this.read)
      )
        waiting.add(task.taskId);
    }
    return results.map(({ task, created }) =>
      created && waiting.has(task.taskId)
        ? { task: taskView(task), created, waiting: true }
        : { task: taskView(task), created },
    );
  }

  async getTask(taskId: string): Promise<Task | undefined> {
    const task = this.tasks.get(taskId);
    return task && taskView(task);
  }

  async getTasks(taskIds: readonly string[]): Promise<Task[]> {
    const found: Task[] = [];
    for (const id of new Set(taskIds)) {
      const task = this.tasks.get(id);
      if (task) found.push(taskView(task));
    }
    return found;
  }

  async listTasks(filter: TaskFilter, page: PageRequest): Promise<Page<Task>> {
    const result = listTasksPage(this.indexes.byCreated, (id) => this.tasks.get(id) as Task, filter, page);
    return { ...result, items: result.items.map(taskView) };
  }

  async countTasks(filter: TaskFilter): Promise<number> {
    return countTasks(this.indexes.byCreated, (id) => this.tasks.get(id) as Task, filter);
  }

  /** All or nothing, like one SQL transaction: every change is prepared before any is written. */
  async transition(changes: TaskTransition[]): Promise<TransitionResult> {
    // An edge outside the table is a bug in the caller: refuse the whole batch before writing.
    for (const change of changes) assertTransition(change.from, change.to, change.via);
    const applied: string[] = [];
    const rejected: string[] = [];
    const staged = new Map<string, Task>();
    const writes: { previous: Task; next: Task; change: TaskTransition }[] = [];
    for (const change of changes) {
      const current = staged.get(change.taskId) ?? this.tasks.get(change.taskId);
      const guardHolds =
        current !== undefined &&
        current.status === change.from &&
        (change.expectedWorkerId === undefined || current.workerId === change.expectedWorkerId);
      if (!guardHolds) {
        rejected.push(change.taskId);
        continue;
      }
      const patch =
        change.patch.result === undefined ? change.patch : { ...change.patch, result: frozenJson(change.patch.result) };
      const patched = applyPatch(current, change.to, copyPatchDates(patch), new Date(change.at.getTime()));
      // Back to PENDING, a new attempt starts from nothing: the old progress goes.
      const next = change.to === 'PENDING' && patched.progress ? { ...patched, progress: null } : patched;
      staged.set(change.taskId, next);
      writes.push({ previous: current, next, change });
      applied.push(change.taskId);
    }
    for (const { previous, next, change } of writes) {
      this.write(previous, next);
      for (const log of change.logs) this.appendLog(log);
    }
    return { applied, rejected };
  }

  async appendLogs(logs: NewTaskLog[]): Promise<void> {
    for (const log of logs) this.appendLog(log);
  }

  async writeProgress(updates: readonly ProgressUpdate[]): Promise<string[]> {
    const written = new Set<string>();
    for (const update of updates) {
      const current = this.tasks.get(update.taskId);
      if (!current || !isAttempt(current, update)) continue;
      const progress = Object.freeze({
        percent: update.percent,
        message: update.message,
        updatedAt: new Date(update.at.getTime()),
      });
      this.tasks.set(update.taskId, { ...current, progress });
      written.add(update.taskId);
    }
    return [...written];
  }

  async getLogs(taskId: string): Promise<TaskLog[]> {
    return (this.logs.get(taskId) ?? []).map(logView);
  }

  async findDuePending(dueBefore: Date, limit: number): Promise<Task[]> {
    return this.indexes.due
      .due(dueBefore.getTime(), limit, (id) => this.dependencies.isFree(id))
      .map((id) => taskView(this.tasks.get(id) as Task));
  }

  async getDependencies(taskIds: readonly string[]): Promise<Map<string, string[]>> {
    const found = new Map<string, string[]>();
    for (const id of taskIds) {
      const dependsOn = this.dependencies.dependenciesOf(id);
      if (dependsOn) found.set(id, dependsOn);
    }
    return found;
  }

  async filterDependedOn(taskIds: readonly string[]): Promise<string[]> {
    return taskIds.filter((id) => this.dependencies.isDependedOn(id));
  }

  async settleDependencies(dependencyIds: readonly string[], at: Date): Promise<DependencySettlement> {
    const { freed, broken } = this.dependencies.settle(dependencyIds, this.read);
    const ready = freed.filter((id) => this.tasks.get(id)?.status === 'PENDING');
    const cancelled: DependencySettlement['cancelled'] = [];
    const changes: TaskTransition[] = [];
    for (const edge of broken) {
      const task = this.tasks.get(edge.taskId);
      if (task?.status !== 'PENDING') continue;
      cancelled.push({ ...edge, taskType: task.taskType });
      changes.push({
        taskId: task.taskId,
        from: 'PENDING',
        to: 'CANCELLED',
        patch: { completedAt: at },
        logs: [dependencyCancelLog(task, edge.dependencyId, edge.status, at)],
        at,
      });
    }
    if (changes.length > 0) await this.transition(changes);
    return { ready, cancelled };
  }

  async findUnsettledDependencies(limit: number): Promise<string[]> {
    return this.dependencies.findUnsettled(limit, this.read);
  }

  async findTimedOut(now: Date, limit: number): Promise<Task[]> {
    const nowMs = now.getTime();
    const late: { task: Task; deadline: number }[] = [];
    for (const id of this.indexes.processing) {
      const task = this.tasks.get(id) as Task;
      if (task.startedAt === null) continue;
      const deadline = task.startedAt.getTime() + task.timeout * 1000;
      if (deadline < nowMs) late.push({ task, deadline });
    }
    late.sort((a, b) => a.deadline - b.deadline);
    return late.slice(0, limit).map(({ task }) => taskView(task));
  }

  async findProcessingByWorker(workerId: string, limit: number): Promise<Task[]> {
    const owned: Task[] = [];
    for (const id of this.indexes.processing) {
      if (owned.length >= limit) break;
      const task = this.tasks.get(id) as Task;
      if (task.workerId === workerId) owned.push(taskView(task));
    }
    return owned;
  }

  async countProcessingByType(): Promise<Map<string, number>> {
    return this.indexes.countProcessingByType();
  }

  async countByStatus(): Promise<Record<TaskStatus, number>> {
    return this.indexes.countByStatus();
  }

  async deleteFinished(statuses: readonly TaskStatus[], completedBefore: Date, limit: number): Promise<number> {
    const doomed: Task[] = [];
    for (const status of statuses) {
      const ids = this.indexes.finished.takeOlderThan(
        status,
        completedBefore.getTime(),
        limit - doomed.length,
        (id, ms) => {
          const task = this.tasks.get(id);
          return task !== undefined && task.status === status && task.completedAt?.getTime() === ms;
        },
      );
      for (const id of ids) doomed.push(this.tasks.get(id)!);
    }
    if (doomed.length === 0) return 0;
    for (const task of doomed) {
      this.tasks.delete(task.taskId);
      this.logs.delete(task.taskId);
    }
    this.indexes.remove(doomed, (id) => !this.tasks.has(id));
    this.dependencies.forget(doomed.map((task) => task.taskId));
    return doomed.length;
  }

  async listTaskTypes(): Promise<TaskTypeConfig[]> {
    return [...this.taskTypes.values()].sort((a, b) =>
      a.taskType < b.taskType ? -1 : a.taskType > b.taskType ? 1 : 0,
    );
  }

  async getTaskType(taskType: string): Promise<TaskTypeConfig | undefined> {
    return this.taskTypes.get(taskType);
  }

  async upsertTaskTypes(configs: TaskTypeConfig[]): Promise<void> {
    for (const config of configs) this.taskTypes.set(config.taskType, frozenTaskType(config));
  }

  async upsertWorker(worker: WorkerInfo): Promise<void> {
    const now = this.clock.now();
    const createdAt = this.workers.get(worker.workerId)?.createdAt ?? worker.createdAt ?? now;
    this.workers.set(worker.workerId, workerView({ ...worker, createdAt, updatedAt: worker.updatedAt ?? now }));
  }

  async markWorkerOffline(workerId: string, at: Date): Promise<void> {
    const worker = this.workers.get(workerId);
    if (worker) this.workers.set(workerId, { ...worker, status: 'OFFLINE', updatedAt: new Date(at.getTime()) });
  }

  /** The durable worker records (no port reads them: the storage contract suite does). */
  async listWorkers(): Promise<WorkerInfo[]> {
    return [...this.workers.values()].map(workerView);
  }

  private write(previous: Task | undefined, next: Task): void {
    this.tasks.set(next.taskId, next);
    this.indexes.update(previous, next);
  }

  private appendLog(log: NewTaskLog): void {
    // Field by field rather than a spread: one object shape for every row (a hot path).
    const row: TaskLog = {
      id: this.nextLogId++,
      taskId: log.taskId,
      logType: log.logType,
      fromStatus: log.fromStatus,
      toStatus: log.toStatus,
      message: log.message,
      workerId: log.workerId,
      retryCount: log.retryCount,
      errorDetail: log.errorDetail,
      createdAt: new Date(log.createdAt.getTime()),
    };
    const rows = this.logs.get(log.taskId);
    if (rows) rows.push(row);
    else this.logs.set(log.taskId, [row]);
  }
}

/** The attempt that reported the progress is still the one running (see ProgressUpdate). */
function isAttempt(task: Task, update: ProgressUpdate): boolean {
  return (
    task.status === 'PROCESSING' &&
    task.workerId === update.workerId &&
    task.startedAt?.getTime() === update.startedAt.getTime()
  );
}

function newTask(input: NewTask): Task {
  return {
    taskId: input.taskId,
    taskType: input.taskType,
    priority: input.priority,
    status: 'PENDING',
    payload: frozenJson(input.payload),
    result: null,
    errorMsg: null,
    retryCount: 0,
    maxRetry: input.maxRetry,
    timeout: input.timeout,
    workerId: null,
    scheduledAt: new Date(input.scheduledAt.getTime()),
    startedAt: null,
    completedAt: null,
    createdAt: new Date(input.createdAt.getTime()),
    updatedAt: new Date(input.createdAt.getTime()),
    progress: null,
    traceParent: input.traceParent ?? null,
  };
}

/** The caller keeps its Date objects; the stored task gets its own. */
function copyPatchDates<P extends TaskTransition['patch']>(patch: P): P {
  const copy = { ...patch };
  if (patch.scheduledAt) copy.scheduledAt = new Date(patch.scheduledAt.getTime());
  if (patch.startedAt) copy.startedAt = new Date(patch.startedAt.getTime());
  if (patch.completedAt) copy.completedAt = new Date(patch.completedAt.getTime());
  return copy;
}
