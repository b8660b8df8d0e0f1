import type { JsonObject } from './json.ts';

/** What each fire of a schedule creates (the body of POST /api/v1/tasks, minus delay and key). */
export interface ScheduledTaskTemplate {
  readonly taskType: string;
  readonly payload: JsonObject;
  readonly priority?: number;
  /** Seconds. */
  readonly timeout?: number;
  readonly maxRetry?: number;
}

/** A cron schedule (docs/api.md, "Schedules"). Times are Date objects in UTC. */
export interface Schedule {
  readonly scheduleId: string;
  /** 5 fields, or 6 with seconds first. */
  readonly cron: string;
  /** IANA time zone the cron is read in. */
  readonly timezone: string;
  readonly task: ScheduledTaskTemplate;
  /** false while paused: the leader does not fire it. */
  readonly enabled: boolean;
  /** The next fire time; null when the cron has no future occurrence. */
  readonly nextRunAt: Date | null;
  readonly lastRunAt: Date | null;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

/**
 * 1–39 characters: with "@" and a 24-character ISO time the id of a fired task stays within
 * the 64 characters of a task id.
 */
export const SCHEDULE_ID_PATTERN = /^[A-Za-z0-9_.:-]{1,39}$/;

/**
 * The task id (its idempotency key) of one fire: `<schedule_id>@<fire time ISO>`. Every leader
 * derives the same id for the same fire time, so a fire repeated after a failover finds the
 * task already there instead of creating a second one. Clients cannot create ids with "@",
 * so such an id always names a fire.
 */
export function scheduledTaskId(scheduleId: string, fireAt: Date): string {
  return `${scheduleId}@${fireAt.toISOString()}`;
}

const FIRED_TASK_ID = /^([A-Za-z0-9_.:-]{1,39})@\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

/** The schedule that fired this task, or undefined for a task created otherwise. */
export function scheduleIdOf(taskId: string): string | undefined {
  return FIRED_TASK_ID.exec(taskId)?.[1];
}

/** Whether `taskId` has the shape of a fired task's id (scheduledTaskId). */
export function isScheduledTaskId(taskId: string): boolean {
  return FIRED_TASK_ID.test(taskId);
}
