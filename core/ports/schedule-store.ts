import type { Schedule } from '../domain/schedule.ts';
import type { Page, PageRequest } from './storage.ts';

/** Advances one schedule after a fire, guarded by the next_run_at the firing leader read. */
export interface ScheduleAdvance {
  scheduleId: string;
  /** The next_run_at read before firing; the write happens only if it is still that. */
  expectedNextRunAt: Date;
  nextRunAt: Date | null;
  lastRunAt: Date;
  at: Date;
}

/**
 * Durable schedules (the `task_schedule` table on MySQL). Provided by the storage plugin under
 * TOKENS.ScheduleStore; test/contract/schedule-store-contract.ts is the suite every
 * implementation passes. Listing is by schedule_id ascending, keyset-paginated.
 */
export interface ScheduleStore {
  /** false when a schedule with this id exists (nothing is written). */
  insertSchedule(schedule: Schedule): Promise<boolean>;
  getSchedule(scheduleId: string): Promise<Schedule | undefined>;
  listSchedules(page: PageRequest): Promise<Page<Schedule>>;
  /** false when there was no such schedule. */
  deleteSchedule(scheduleId: string): Promise<boolean>;
  /** Pause (enabled false) or resume with a new next_run_at; false when there is no such schedule. */
  setScheduleEnabled(scheduleId: string, enabled: boolean, nextRunAt: Date | null, at: Date): Promise<boolean>;
  /** Enabled schedules with next_run_at <= `now`, earliest first. */
  findDueSchedules(now: Date, limit: number): Promise<Schedule[]>;
  /** The earliest next_run_at of an enabled schedule, or null (the leader sleeps until then). */
  findNextRunAt(): Promise<Date | null>;
  /** Compare-and-set on next_run_at: false when another leader (or an edit) moved it first. */
  advanceSchedule(advance: ScheduleAdvance): Promise<boolean>;
}
