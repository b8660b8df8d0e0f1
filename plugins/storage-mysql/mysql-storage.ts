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
import * as dependencies from './dependency-queries.ts';
import { toStorageError } from './errors.ts';
import { appendLogs, getLogs } from './log-queries.ts';
import { writeProgress } from './progress-queries.ts';
import * as tasks from './task-queries.ts';
import * as taskTypes from './task-type-queries.ts';
import { applyTransitions } from './transition-queries.ts';
import * as workers from './worker-queries.ts';

/**
 * The storage port on MySQL 8 / MariaDB through kysely + mysql2. The queries live in
 * *-queries.ts; this class owns the connection and turns driver failures into
 * DependencyUnavailableError (50301) in one place. Small concurrent creates share one
 * transaction (create-group-committer.ts).
 */
export class MysqlStorage implements StoragePort {
  private database: Kysely<Database> | undefined;
  private readonly creates: CreateGroupCommitter;

  constructor(
    private readonly clock: Clock,
    groupCommit: Partial<GroupCommitOptions> = {},
  ) {
    this.creates = new CreateGroupCommitter(
      (newTasks) => this.run((db) => tasks.createTasks(db, newTasks)),
      // By code, not class: a config loaded through its own module graph has its own classes.
      (error) => (error as { code?: unknown } | null)?.code === ErrorCode.DEPENDENCY_UNAVAILABLE,
      groupCommit,
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
    if (!db) throw new Error('storage-mysql is not started: the app starts it before use');
    try {
      return await work(db);
    } catch (error) {
      throw toStorageError(error);
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
      return this.run((db) => dependencies.createTasksWithDependencies(db, newTasks));
    return this.creates.create(newTasks);
  }

  getTask(taskId: string): Promise<Task | undefined> {
    return this.run((db) => tasks.getTask(db, taskId));
  }

  getTasks(taskIds: readonly string[]): Promise<Task[]> {
    return taskIds.length === 0 ? Promise.resolve([]) : this.run((db) => tasks.getTasks(db, taskIds));
  }

  listTasks(filter: TaskFilter, page: PageRequest): Promise<Page<Task>> {
    return this.run((db) => tasks.listTasks(db, filter, page));
  }

  countTasks(filter: TaskFilter): Promise<number> {
    return this.run((db) => tasks.countTasks(db, filter));
  }

  transition(changes: TaskTransition[]): Promise<TransitionResult> {
    return this.run((db) => applyTransitions(db, changes));
  }

  appendLogs(logs: NewTaskLog[]): Promise<void> {
    return logs.length === 0 ? Promise.resolve() : this.run((db) => appendLogs(db, logs));
  }

  writeProgress(updates: readonly ProgressUpdate[]): Promise<string[]> {
    return updates.length === 0 ? Promise.resolve([]) : this.run((db) => writeProgress(db, updates));
  }

  getLogs(taskId: string): Promise<TaskLog[]> {
    return this.run((db) => getLogs(db, taskId));
  }

  findDuePending(dueBefore: Date, limit: number): Promise<Task[]> {
    return this.run((db) => tasks.findDuePending(db, dueBefore, limit));
  }

  findTimedOut(now: Date, limit: number): Promise<Task[]> {
    return this.run((db) => tasks.findTimedOut(db, now, limit));
  }

  findProcessingByWorker(workerId: string, limit: number): Promise<Task[]> {
    return this.run((db) => tasks.findProcessingByWorker(db, workerId, limit));
  }

  countProcessingByType(): Promise<Map<string, number>> {
    return this.run((db) => tasks.countProcessingByType(db));
  }

  countByStatus(): Promise<Record<TaskStatus, number>> {
    return this.run((db) => tasks.countByStatus(db));
  }

  deleteFinished(statuses: readonly TaskStatus[], completedBefore: Date, limit: number): Promise<number> {
    return this.run((db) => tasks.deleteFinished(db, statuses, completedBefore, limit));
  }

  getDependencies(taskIds: readonly string[]): Promise<Map<string, string[]>> {
    return taskIds.length === 0
      ? Promise.resolve(new Map())
      : this.run((db) => dependencies.getDependencies(db, taskIds));
  }

  filterDependedOn(taskIds: readonly string[]): Promise<string[]> {
    return taskIds.length === 0 ? Promise.resolve([]) : this.run((db) => dependencies.filterDependedOn(db, taskIds));
  }

  settleDependencies(dependencyIds: readonly string[], at: Date): Promise<DependencySettlement> {
    return this.run((db) => dependencies.settleDependencies(db, dependencyIds, at));
  }

  findUnsettledDependencies(limit: number): Promise<string[]> {
    return this.run((db) => dependencies.findUnsettledDependencies(db, limit));
  }

  listTaskTypes(): Promise<TaskTypeConfig[]> {
    return this.run((db) => taskTypes.listTaskTypes(db));
  }

  getTaskType(taskType: string): Promise<TaskTypeConfig | undefined> {
    return this.run((db) => taskTypes.getTaskType(db, taskType));
  }

  upsertTaskTypes(configs: TaskTypeConfig[]): Promise<void> {
    if (configs.length === 0) return Promise.resolve();
    return this.run((db) => taskTypes.upsertTaskTypes(db, configs, this.clock.now()));
  }

  upsertWorker(worker: WorkerInfo): Promise<void> {
    return this.run((db) => workers.upsertWorker(db, worker, this.clock.now()));
  }

  markWorkerOffline(workerId: string, at: Date): Promise<void> {
    return this.run((db) => workers.markWorkerOffline(db, workerId, at));
  }

  /** The durable worker records (no port reads them: operators do, in SQL, and the storage contract suite). */
  listWorkers(): Promise<WorkerInfo[]> {
    return this.run((db) => workers.listWorkers(db));
  }
}
