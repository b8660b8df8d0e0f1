import { sql, type Kysely } from 'kysely';
import {
  ErrorCode,
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
import { CreateGroupCommitter, type GroupCommitOptions } from './create-group-committer.ts';
import type { Database } from './database.ts';

type Db = Kysely<Database>;

/** The statements of one SQL dialect, one function per storage call (each plugin's *-queries.ts). */
export interface SqlQueries {
  createTasks(db: Db, tasks: NewTask[]): Promise<CreateTaskResult[]>;
  /** A batch with dependencies: the tasks and their edges in one transaction. */
  createTasksWithDependencies(db: Db, tasks: NewTask[]): Promise<CreateTaskResult[]>;
  getTask(db: Db, taskId: string): Promise<Task | undefined>;
  getTasks(db: Db, taskIds: readonly string[]): Promise<Task[]>;
  listTasks(db: Db, filter: TaskFilter, page: PageRequest): Promise<Page<Task>>;
  countTasks(db: Db, filter: TaskFilter): Promise<number>;
  applyTransitions(db: Db, changes: readonly TaskTransition[]): Promise<TransitionResult>;
  appendLogs(db: Db, logs: NewTaskLog[]): Promise<void>;
  getLogs(db: Db, taskId: string): Promise<TaskLog[]>;
  writeProgress(db: Db, updates: readonly ProgressUpdate[]): Promise<string[]>;
  findDuePending(db: Db, dueBefore: Date, limit: number): Promise<Task[]>;
  findTimedOut(db: Db, now: Date, limit: number): Promise<Task[]>;
  findProcessingByWorker(db: Db, workerId: string, limit: number): Promise<Task[]>;
  countProcessingByType(db: Db): Promise<Map<string, number>>;
  countByStatus(db: Db): Promise<Record<TaskStatus, number>>;
  deleteFinished(db: Db, statuses: readonly TaskStatus[], completedBefore: Date, limit: number): Promise<number>;
  getDependencies(db: Db, taskIds: readonly string[]): Promise<Map<string, string[]>>;
  filterDependedOn(db: Db, taskIds: readonly string[]): Promise<string[]>;
  settleDependencies(db: Db, dependencyIds: readonly string[], at: Date): Promise<DependencySettlement>;
  findUnsettledDependencies(db: Db, limit: number): Promise<string[]>;
  listTaskTypes(db: Db): Promise<TaskTypeConfig[]>;
  getTaskType(db: Db, taskType: string): Promise<TaskTypeConfig | undefined>;
  upsertTaskTypes(db: Db, configs: TaskTypeConfig[], now: Date): Promise<void>;
  upsertWorker(db: Db, worker: WorkerInfo, now: Date): Promise<void>;
  markWorkerOffline(db: Db, workerId: string, at: Date): Promise<void>;
  listWorkers(db: Db): Promise<WorkerInfo[]>;
}

export interface SqlStorageParts {
  /** The plugin's name, for the "not started" error. */
  name: string;
  clock: Clock;
  queries: SqlQueries;
  /** Driver failures to the product's errors (50301 for an outage). */
  toStorageError(error: unknown): unknown;
  groupCommit?: Partial<GroupCommitOptions>;
}

/**
 * The storage port on a SQL database through kysely, whatever the dialect: each SQL plugin
 * gives its statements (SqlQueries) and its error mapping; this class owns the connection,
 * turns driver failures into the product's errors in one place, and lets small concurrent
 * creates share one write (create-group-committer.ts).
 */
export class SqlStorage implements StoragePort {
  private database: Kysely<Database> | undefined;
  private readonly creates: CreateGroupCommitter;
  private readonly queries: SqlQueries;

  constructor(private readonly parts: SqlStorageParts) {
    const { queries } = parts;
    this.queries = queries;
    this.creates = new CreateGroupCommitter(
      (newTasks) => this.run((db) => queries.createTasks(db, newTasks)),
      // By code, not class: a config loaded through its own module graph has its own classes.
      (error) => (error as { code?: unknown } | null)?.code === ErrorCode.DEPENDENCY_UNAVAILABLE,
      parts.groupCommit ?? {},
    );
  }

  /** Hands the storage its connection pool (the plugin's start). */
  attach(database: Kysely<Database>): void {
    this.database = database;
  }

  /** Takes the pool back for closing (the plugin's stop); later calls fail until attach. */
  detach(): Kysely<Database> | undefined {
    const database = this.database;
    this.database = undefined;
    return database;
  }

  private async run<T>(work: (db: Kysely<Database>) => Promise<T>): Promise<T> {
    const db = this.database;
    if (!db) throw new Error(`${this.parts.name} is not started: the app starts it before use`);
    try {
      return await work(db);
    } catch (error) {
      throw this.parts.toStorageError(error);
    }
  }

  ping(): Promise<void> {
    return this.run(async (db) => {
      await sql`SELECT 1`.execute(db);
    });
  }

  createTasks(newTasks: NewTask[]): Promise<CreateTaskResult[]> {
    // One look per batch: a batch with dependencies writes its edges in its own transaction.
    if (newTasks.some((task) => task.dependsOn !== undefined && task.dependsOn.length > 0))
      return this.run((db) => this.queries.createTasksWithDependencies(db, newTasks));
    return this.creates.create(newTasks);
  }

  getTask(taskId: string): Promise<Task | undefined> {
    return this.run((db) => this.queries.getTask(db, taskId));
  }

  getTasks(taskIds: readonly string[]): Promise<Task[]> {
    return taskIds.length === 0 ? Promise.resolve([]) : this.run((db) => this.queries.getTasks(db, taskIds));
  }

  listTasks(filter: TaskFilter, page: PageRequest): Promise<Page<Task>> {
    return this.run((db) => this.queries.listTasks(db, filter, page));
  }

  countTasks(filter: TaskFilter): Promise<number> {
    return this.run((db) => this.queries.countTasks(db, filter));
  }

  transition(changes: TaskTransition[]): Promise<TransitionResult> {
    return this.run((db) => this.queries.applyTransitions(db, changes));
  }

  appendLogs(logs: NewTaskLog[]): Promise<void> {
    return logs.length === 0 ? Promise.resolve() : this.run((db) => this.queries.appendLogs(db, logs));
  }

  writeProgress(updates: readonly ProgressUpdate[]): Promise<string[]> {
    return updates.length === 0 ? Promise.resolve([]) : this.run((db) => this.queries.writeProgress(db, updates));
  }

  getLogs(taskId: string): Promise<TaskLog[]> {
    return this.run((db) => this.queries.getLogs(db, taskId));
  }

  findDuePending(dueBefore: Date, limit: number): Promise<Task[]> {
    return this.run((db) => this.queries.findDuePending(db, dueBefore, limit));
  }

  findTimedOut(now: Date, limit: number): Promise<Task[]> {
    return this.run((db) => this.queries.findTimedOut(db, now, limit));
  }

  findProcessingByWorker(workerId: string, limit: number): Promise<Task[]> {
    return this.run((db) => this.queries.findProcessingByWorker(db, workerId, limit));
  }

  countProcessingByType(): Promise<Map<string, number>> {
    return this.run((db) => this.queries.countProcessingByType(db));
  }

  countByStatus(): Promise<Record<TaskStatus, number>> {
    return this.run((db) => this.queries.countByStatus(db));
  }

  deleteFinished(statuses: readonly TaskStatus[], completedBefore: Date, limit: number): Promise<number> {
    return this.run((db) => this.queries.deleteFinished(db, statuses, completedBefore, limit));
  }

  getDependencies(taskIds: readonly string[]): Promise<Map<string, string[]>> {
    return taskIds.length === 0
      ? Promise.resolve(new Map())
      : this.run((db) => this.queries.getDependencies(db, taskIds));
  }

  filterDependedOn(taskIds: readonly string[]): Promise<string[]> {
    return taskIds.length === 0 ? Promise.resolve([]) : this.run((db) => this.queries.filterDependedOn(db, taskIds));
  }

  settleDependencies(dependencyIds: readonly string[], at: Date): Promise<DependencySettlement> {
    return this.run((db) => this.queries.settleDependencies(db, dependencyIds, at));
  }

  findUnsettledDependencies(limit: number): Promise<string[]> {
    return this.run((db) => this.queries.findUnsettledDependencies(db, limit));
  }

  listTaskTypes(): Promise<TaskTypeConfig[]> {
    return this.run((db) => this.queries.listTaskTypes(db));
  }

  getTaskType(taskType: string): Promise<TaskTypeConfig | undefined> {
    return this.run((db) => this.queries.getTaskType(db, taskType));
  }

  upsertTaskTypes(configs: TaskTypeConfig[]): Promise<void> {
    if (configs.length === 0) return Promise.resolve();
    return this.run((db) => this.queries.upsertTaskTypes(db, configs, this.parts.clock.now()));
  }

  upsertWorker(worker: WorkerInfo): Promise<void> {
    return this.run((db) => this.queries.upsertWorker(db, worker, this.parts.clock.now()));
  }

  markWorkerOffline(workerId: string, at: Date): Promise<void> {
    return this.run((db) => this.queries.markWorkerOffline(db, workerId, at));
  }

  /** The durable worker records (no port reads them: operators do, in SQL, and the storage contract suite). */
  listWorkers(): Promise<WorkerInfo[]> {
    return this.run((db) => this.queries.listWorkers(db));
  }
}
