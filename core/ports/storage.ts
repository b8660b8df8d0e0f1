import type { JsonObject } from '../domain/json.ts';
import type { PriorityValue } from '../domain/priority.ts';
import type { Task, TaskPatch, TaskStatus } from '../domain/task.ts';
import type { NewTaskLog, TaskLog } from '../domain/task-log.ts';
import type { TaskTypeConfig } from '../domain/task-type.ts';
import type { WorkerInfo } from '../domain/worker.ts';

/** A task ready to insert: every field decided by the service, none by storage. */
export interface NewTask {
  taskId: string;
  taskType: string;
  priority: PriorityValue;
  payload: JsonObject;
  maxRetry: number;
  timeout: number;
  scheduledAt: Date;
  createdAt: Date;
  /** Name of the API key that created it; storage writes it in the task's log (see `creationLogs`). */
  createdBy?: string;
  /**
   * Tasks that must be SUCCESS before this one may run, in the order given. Storage writes
   * the edges in the same transaction as the task (see DependencyStore); absent for most tasks.
   */
  dependsOn?: readonly string[];
  /** The `task.create` span as a W3C traceparent, set only while tracing is on (the trace_parent column). */
  traceParent?: string | null;
}

export interface CreateTaskResult {
  task: Task;
  /** false when a task with this task_id (idempotency key) already existed: nothing was written. */
  created: boolean;
  /**
   * true when the new task waits on a dependency that was not SUCCESS when it was written:
   * it must not be queued; `settleDependencies` releases it. Absent (false) otherwise.
   */
  waiting?: boolean;
}

/**
 * One guarded status change. Storage applies it only when the row's status is `from`
 * (and, when given, its worker_id is `expectedWorkerId`), writing the patch, `updated_at`
 * and every log row in the same transaction. `via` names the intermediate status of a
 * two-edge step written at once (PROCESSING → FAILED → PENDING for a retry).
 */
export interface TaskTransition {
  taskId: string;
  from: TaskStatus;
  to: TaskStatus;
  via?: TaskStatus;
  expectedWorkerId?: string;
  patch: TaskPatch;
  logs: NewTaskLog[];
  /** The writer's clock; becomes updated_at. */
  at: Date;
}

export interface TransitionResult {
  /** task ids whose guard matched and that were written. */
  applied: string[];
  /** task ids whose guard did not match (or that do not exist): nothing was written for them. */
  rejected: string[];
}

/**
 * The latest progress of one running attempt. The attempt is named by its worker and its
 * started_at: storage writes it only while the task is PROCESSING with that worker_id and
 * started_at, so a late report from an attempt that has ended never lands on another.
 */
export interface ProgressUpdate {
  taskId: string;
  workerId: string;
  startedAt: Date;
  percent: number;
  message: string | null;
  /** The writer's clock; becomes progress.updated_at (the task's updated_at is left alone). */
  at: Date;
}

export interface TaskFilter {
  status?: TaskStatus[];
  taskType?: string;
  priority?: PriorityValue;
  workerId?: string;
  createdFrom?: Date;
  createdTo?: Date;
}

export interface PageRequest {
  /** 1..1000 */
  limit: number;
  /** Opaque, from a previous page's `nextCursor`. */
  cursor?: string;
}

export interface Page<T> {
  items: T[];
  /** Present when there may be more rows. */
  nextCursor?: string;
}

/** Listing is newest first (created_at DESC, then task_id DESC), keyset-paginated. */
export interface TaskStore {
  createTasks(tasks: NewTask[]): Promise<CreateTaskResult[]>;
  getTask(taskId: string): Promise<Task | undefined>;
  /** Missing ids are absent from the result; order is not guaranteed. */
  getTasks(taskIds: readonly string[]): Promise<Task[]>;
  listTasks(filter: TaskFilter, page: PageRequest): Promise<Page<Task>>;
  /** How many tasks match the filter (the `total` of page-numbered listings). */
  countTasks(filter: TaskFilter): Promise<number>;
  transition(changes: TaskTransition[]): Promise<TransitionResult>;
  /** Log rows that change no status (INFO, progress), in one write. */
  appendLogs(logs: NewTaskLog[]): Promise<void>;
  getLogs(taskId: string): Promise<TaskLog[]>;
  /**
   * Writes each task's progress in one round trip, under the attempt guard of ProgressUpdate;
   * returns the ids written. A transition to PENDING clears a task's progress.
   */
  writeProgress(updates: readonly ProgressUpdate[]): Promise<string[]>;
  /** PENDING with scheduled_at <= `dueBefore`, oldest scheduled first; dependents still waiting (or broken) are left out. */
  findDuePending(dueBefore: Date, limit: number): Promise<Task[]>;
  /** PROCESSING with started_at + timeout < now. */
  findTimedOut(now: Date, limit: number): Promise<Task[]>;
  /** PROCESSING and owned by this worker (recovery of a dead worker). */
  findProcessingByWorker(workerId: string, limit: number): Promise<Task[]>;
  /** How many tasks are PROCESSING, per task type (for max_concurrent). */
  countProcessingByType(): Promise<Map<string, number>>;
  countByStatus(): Promise<Record<TaskStatus, number>>;
  /**
   * Retention: deletes up to `limit` tasks in one of `statuses` (final ones) completed before
   * `completedBefore`, oldest first, with all their log rows; returns how many tasks went.
   */
  deleteFinished(statuses: readonly TaskStatus[], completedBefore: Date, limit: number): Promise<number>;
}

export interface TaskTypeStore {
  listTaskTypes(): Promise<TaskTypeConfig[]>;
  getTaskType(taskType: string): Promise<TaskTypeConfig | undefined>;
  /** Insert or replace by task_type. */
  upsertTaskTypes(configs: TaskTypeConfig[]): Promise<void>;
}

/**
 * The durable record of workers (the live registry is the coordination port). The core only
 * writes it; operators read it (the `worker_registry` table), and the contract suite reads it
 * back through each backend (test/contract/storage-contract.ts).
 */
export interface WorkerStore {
  upsertWorker(worker: WorkerInfo): Promise<void>;
  markWorkerOffline(workerId: string, at: Date): Promise<void>;
}

/** What `settleDependencies` did. */
export interface DependencySettlement {
  /** PENDING dependents whose every dependency is now SUCCESS: the caller queues them. */
  ready: string[];
  /**
   * Dependents this call moved PENDING → CANCELLED (log "Dependency <id> ended <STATUS>",
   * completed_at = `at`) because a dependency ended for good in another status; the caller
   * emits their events, and settles them in turn (their own dependents are cancelled the same way).
   */
  cancelled: { taskId: string; taskType: string; dependencyId: string; status: TaskStatus }[];
}

/**
 * Task dependencies (SPEC §8.4). A dependent is PENDING but in no queue while one of its edges
 * is WAITING, and `findDuePending` leaves it out, so reconciliation never queues it early.
 * Edges are written by `createTasks` (NewTask.dependsOn) in the task's transaction, each MET at
 * once when its dependency is already SUCCESS, WAITING otherwise; they are kept once settled
 * (GET shows depends_on) and deleted with their dependent by retention.
 */
export interface DependencyStore {
  /** depends_on of each task, in the order given at creation; tasks without any are absent. */
  getDependencies(taskIds: readonly string[]): Promise<Map<string, string[]>>;
  /**
   * Among `taskIds`, those some edge still WAITS on. One indexed read: what the core asks, per
   * batch of finished tasks, before anything else (tasks nobody depends on cost nothing more).
   */
  filterDependedOn(taskIds: readonly string[]): Promise<string[]>;
  /**
   * In one transaction: every WAITING edge on a dependency in `dependencyIds` that has ended
   * for good (`edgeOutcome`) becomes MET or BROKEN, and each PENDING dependent of a BROKEN edge
   * is cancelled (guarded on PENDING). Other ids are ignored; a second call does nothing more.
   */
  settleDependencies(dependencyIds: readonly string[], at: Date): Promise<DependencySettlement>;
  /**
   * Reconciliation: up to `limit` dependencies that ended for good with an edge still WAITING
   * (their completion's settling was lost in a crash).
   */
  findUnsettledDependencies(limit: number): Promise<string[]>;
}

export interface StoragePort extends TaskStore, TaskTypeStore, WorkerStore, DependencyStore {
  /** Cheap round-trip for /readyz; throws when unreachable. */
  ping(): Promise<void>;
}
