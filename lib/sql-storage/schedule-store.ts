import type { Kysely } from 'kysely';
import type {
  Page,
  PageRequest,
  RateLimit,
  Schedule,
  ScheduleAdvance,
  ScheduleStore,
  TaskTypeControls,
  TaskTypeControlStore,
} from '../../core/index.ts';
import * as q from './schedule-queries.ts';
import type { SqlDialect } from './sql-dialect.ts';

/**
 * Schedules (`task_schedule`) and task types' switches (task_config's paused and rate-limit
 * columns) on a SQL storage's pool, attached at start like the storage; driver failures become
 * 50301 through the dialect. storage-mysql and storage-postgres each make one with their dialect.
 */
export class SqlScheduleStore implements ScheduleStore, TaskTypeControlStore {
  private database: Kysely<q.ScheduleDatabase> | undefined;

  constructor(private readonly dialect: SqlDialect) {}

  /** The pool MysqlStorage opened (the same connections; closed by the storage). */
  attach<DB>(database: Kysely<DB>): void {
    // The same pool under the tables this store knows (schedule-queries.ts).
    this.database = database as unknown as Kysely<q.ScheduleDatabase>;
  }

  detach(): void {
    this.database = undefined;
  }

  private async run<T>(work: (db: Kysely<q.ScheduleDatabase>) => Promise<T>): Promise<T> {
    const db = this.database;
    if (!db) throw new Error(`storage-${this.dialect.name} is not started: the app starts it before use`);
    try {
      return await work(db);
    } catch (error) {
      throw this.dialect.toStorageError(error);
    }
  }

  insertSchedule(schedule: Schedule): Promise<boolean> {
    return this.run((db) => q.insertSchedule(db, this.dialect, schedule));
  }
  getSchedule(scheduleId: string): Promise<Schedule | undefined> {
    return this.run((db) => q.getSchedule(db, this.dialect, scheduleId));
  }
  listSchedules(page: PageRequest): Promise<Page<Schedule>> {
    return this.run((db) => q.listSchedules(db, this.dialect, page));
  }
  deleteSchedule(scheduleId: string): Promise<boolean> {
    return this.run((db) => q.deleteSchedule(db, this.dialect, scheduleId));
  }
  setScheduleEnabled(scheduleId: string, enabled: boolean, nextRunAt: Date | null, at: Date): Promise<boolean> {
    return this.run((db) => q.setScheduleEnabled(db, this.dialect, scheduleId, enabled, nextRunAt, at));
  }
  findDueSchedules(now: Date, limit: number): Promise<Schedule[]> {
    return this.run((db) => q.findDueSchedules(db, this.dialect, now, limit));
  }
  findNextRunAt(): Promise<Date | null> {
    return this.run((db) => q.findNextRunAt(db, this.dialect));
  }
  advanceSchedule(advance: ScheduleAdvance): Promise<boolean> {
    return this.run((db) => q.advanceSchedule(db, this.dialect, advance));
  }
  listTaskTypeControls(): Promise<TaskTypeControls[]> {
    return this.run((db) => q.listTaskTypeControls(db, this.dialect));
  }
  setTaskTypePaused(taskType: string, paused: boolean, at: Date): Promise<boolean> {
    return this.run((db) => q.setTaskTypePaused(db, this.dialect, taskType, paused, at));
  }
  setTaskTypeRateLimit(taskType: string, rateLimit: RateLimit | null, at: Date): Promise<boolean> {
    return this.run((db) => q.setTaskTypeRateLimit(db, this.dialect, taskType, rateLimit, at));
  }
}
