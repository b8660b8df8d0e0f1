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
import { toStorageError } from './errors.ts';
import * as q from './schedule-queries.ts';

/**
 * Schedules (`task_schedule`) and task types' switches (task_config's 005 columns) on the
 * storage's pool, attached at start like MysqlStorage; driver failures become 50301.
 */
export class MysqlScheduleStore implements ScheduleStore, TaskTypeControlStore {
  private database: Kysely<q.ScheduleDatabase> | undefined;

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
    if (!db) throw new Error('storage-mysql is not started: the app starts it before use');
    try {
      return await work(db);
    } catch (error) {
      throw toStorageError(error);
    }
  }

  insertSchedule(schedule: Schedule): Promise<boolean> {
    return this.run((db) => q.insertSchedule(db, schedule));
  }
  getSchedule(scheduleId: string): Promise<Schedule | undefined> {
    return this.run((db) => q.getSchedule(db, scheduleId));
  }
  listSchedules(page: PageRequest): Promise<Page<Schedule>> {
    return this.run((db) => q.listSchedules(db, page));
  }
  deleteSchedule(scheduleId: string): Promise<boolean> {
    return this.run((db) => q.deleteSchedule(db, scheduleId));
  }
  setScheduleEnabled(scheduleId: string, enabled: boolean, nextRunAt: Date | null, at: Date): Promise<boolean> {
    return this.run((db) => q.setScheduleEnabled(db, scheduleId, enabled, nextRunAt, at));
  }
  findDueSchedules(now: Date, limit: number): Promise<Schedule[]> {
    return this.run((db) => q.findDueSchedules(db, now, limit));
  }
  findNextRunAt(): Promise<Date | null> {
    return this.run((db) => q.findNextRunAt(db));
  }
  advanceSchedule(advance: ScheduleAdvance): Promise<boolean> {
    return this.run((db) => q.advanceSchedule(db, advance));
  }
  listTaskTypeControls(): Promise<TaskTypeControls[]> {
    return this.run((db) => q.listTaskTypeControls(db));
  }
  setTaskTypePaused(taskType: string, paused: boolean, at: Date): Promise<boolean> {
    return this.run((db) => q.setTaskTypePaused(db, taskType, paused, at));
  }
  setTaskTypeRateLimit(taskType: string, rateLimit: RateLimit | null, at: Date): Promise<boolean> {
    return this.run((db) => q.setTaskTypeRateLimit(db, taskType, rateLimit, at));
  }
}
