import type { Generated, Kysely, Selectable } from 'kysely';
import type { SqlDialect } from './sql-dialect.ts';

/*
 * Every query takes the dialect, used or not, so the store calls them all alike: what differs
 * between MySQL and PostgreSQL here is an INSERT that skips an existing key and the JSON text
 * of the task template (lib/sql-storage/sql-dialect.ts).
 */
import type {
  JsonObject,
  Page,
  PageRequest,
  RateLimit,
  Schedule,
  ScheduleAdvance,
  ScheduledTaskTemplate,
  TaskTypeControls,
} from '../../core/index.ts';

/** The `task_schedule` table (migration 005). */
export interface TaskScheduleTable {
  schedule_id: string;
  cron: string;
  timezone: string;
  /** JSON text both ways (MySQL's pool typeCast, PostgreSQL's type parsers). */
  task: string;
  enabled: number | boolean;
  next_run_at: Date | null;
  last_run_at: Date | null;
  created_at: Date;
  updated_at: Date;
}

/** The columns of task_config that 005 added. */
interface TaskConfigControlColumns {
  task_type: string;
  paused: Generated<number | boolean>;
  rate_limit_max: number | null;
  rate_limit_per_ms: number | null;
  updated_at: Date;
}

/** Only the tables these queries touch: database.ts stays the tasks' own. */
export interface ScheduleDatabase {
  task_schedule: TaskScheduleTable;
  task_config: TaskConfigControlColumns;
}

type Db = Kysely<ScheduleDatabase>;
type Row = Selectable<TaskScheduleTable>;

export async function insertSchedule(db: Db, dialect: SqlDialect, schedule: Schedule): Promise<boolean> {
  const result = await dialect
    .insertIgnoringDuplicates(db.insertInto('task_schedule'))
    .values({
      schedule_id: schedule.scheduleId,
      cron: schedule.cron,
      timezone: schedule.timezone,
      task: dialect.jsonIn(JSON.stringify(schedule.task)),
      enabled: schedule.enabled ? 1 : 0,
      next_run_at: schedule.nextRunAt,
      last_run_at: schedule.lastRunAt,
      created_at: schedule.createdAt,
      updated_at: schedule.updatedAt,
    })
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0) === 1;
}

export async function getSchedule(db: Db, dialect: SqlDialect, scheduleId: string): Promise<Schedule | undefined> {
  const row = await db.selectFrom('task_schedule').selectAll().where('schedule_id', '=', scheduleId).executeTakeFirst();
  return row && fromRow(row, dialect);
}

export async function listSchedules(db: Db, dialect: SqlDialect, page: PageRequest): Promise<Page<Schedule>> {
  let query = db
    .selectFrom('task_schedule')
    .selectAll()
    .orderBy('schedule_id', 'asc')
    .limit(page.limit + 1);
  if (page.cursor !== undefined) query = query.where('schedule_id', '>', decodeCursor(page.cursor));
  const rows = await query.execute();
  const items = rows.slice(0, page.limit).map((row) => fromRow(row, dialect));
  const last = items.at(-1);
  return rows.length > page.limit && last ? { items, nextCursor: encodeCursor(last.scheduleId) } : { items };
}

export async function deleteSchedule(db: Db, _dialect: SqlDialect, scheduleId: string): Promise<boolean> {
  const result = await db.deleteFrom('task_schedule').where('schedule_id', '=', scheduleId).executeTakeFirst();
  return Number(result.numDeletedRows) === 1;
}

export async function setScheduleEnabled(
  db: Db,
  dialect: SqlDialect,
  scheduleId: string,
  enabled: boolean,
  nextRunAt: Date | null,
  at: Date,
): Promise<boolean> {
  const result = await db
    .updateTable('task_schedule')
    .set({ enabled: enabled ? 1 : 0, next_run_at: nextRunAt, updated_at: at })
    .where('schedule_id', '=', scheduleId)
    .executeTakeFirst();
  // Matched rows, not changed ones (the pool sets CLIENT_FOUND_ROWS off, so count a no-op via a read).
  if (Number(result.numUpdatedRows) === 1) return true;
  return (await getSchedule(db, dialect, scheduleId)) !== undefined;
}

export async function findDueSchedules(db: Db, dialect: SqlDialect, now: Date, limit: number): Promise<Schedule[]> {
  const rows = await db
    .selectFrom('task_schedule')
    .selectAll()
    .where('enabled', '=', 1)
    .where('next_run_at', '<=', now)
    .orderBy('next_run_at', 'asc')
    .orderBy('schedule_id', 'asc')
    .limit(limit)
    .execute();
  return rows.map((row) => fromRow(row, dialect));
}

export async function findNextRunAt(db: Db, _dialect: SqlDialect): Promise<Date | null> {
  const row = await db
    .selectFrom('task_schedule')
    .select('next_run_at')
    .where('enabled', '=', 1)
    .where('next_run_at', 'is not', null)
    .orderBy('next_run_at', 'asc')
    .limit(1)
    .executeTakeFirst();
  return row?.next_run_at ?? null;
}

/** Compare-and-set on next_run_at: one UPDATE, so two leaders never both advance from one value. */
export async function advanceSchedule(db: Db, _dialect: SqlDialect, advance: ScheduleAdvance): Promise<boolean> {
  const result = await db
    .updateTable('task_schedule')
    .set({ next_run_at: advance.nextRunAt, last_run_at: advance.lastRunAt, updated_at: advance.at })
    .where('schedule_id', '=', advance.scheduleId)
    .where('next_run_at', '=', advance.expectedNextRunAt)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export async function listTaskTypeControls(db: Db, _dialect: SqlDialect): Promise<TaskTypeControls[]> {
  const rows = await db
    .selectFrom('task_config')
    .select(['task_type', 'paused', 'rate_limit_max', 'rate_limit_per_ms'])
    .where((eb) => eb.or([eb('paused', '=', 1), eb('rate_limit_max', 'is not', null)]))
    .execute();
  return rows.map((row) => ({
    taskType: row.task_type,
    paused: Boolean(row.paused),
    rateLimit:
      row.rate_limit_max !== null && row.rate_limit_per_ms !== null
        ? { max: row.rate_limit_max, perMs: row.rate_limit_per_ms }
        : null,
  }));
}

export async function setTaskTypePaused(
  db: Db,
  _dialect: SqlDialect,
  taskType: string,
  paused: boolean,
  at: Date,
): Promise<boolean> {
  const result = await db
    .updateTable('task_config')
    .set({ paused: paused ? 1 : 0, updated_at: at })
    .where('task_type', '=', taskType)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1 || (await typeExists(db, taskType));
}

export async function setTaskTypeRateLimit(
  db: Db,
  _dialect: SqlDialect,
  taskType: string,
  rateLimit: RateLimit | null,
  at: Date,
): Promise<boolean> {
  const result = await db
    .updateTable('task_config')
    .set({ rate_limit_max: rateLimit?.max ?? null, rate_limit_per_ms: rateLimit?.perMs ?? null, updated_at: at })
    .where('task_type', '=', taskType)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1 || (await typeExists(db, taskType));
}

async function typeExists(db: Db, taskType: string): Promise<boolean> {
  const row = await db
    .selectFrom('task_config')
    .select('task_type')
    .where('task_type', '=', taskType)
    .executeTakeFirst();
  return row !== undefined;
}

function fromRow(row: Row, dialect: SqlDialect): Schedule {
  const task = JSON.parse(
    dialect.jsonOut(typeof row.task === 'string' ? row.task : String(row.task)),
  ) as ScheduledTaskTemplate & {
    payload: JsonObject;
  };
  return {
    scheduleId: row.schedule_id,
    cron: row.cron,
    timezone: row.timezone,
    task,
    enabled: Boolean(row.enabled),
    nextRunAt: row.next_run_at,
    lastRunAt: row.last_run_at,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

const encodeCursor = (id: string) => Buffer.from(id).toString('base64url');
const decodeCursor = (cursor: string) => Buffer.from(cursor, 'base64url').toString();
