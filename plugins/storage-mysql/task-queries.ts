import { sql, type Kysely, type SelectQueryBuilder } from 'kysely';
import {
  ALL_STATUSES,
  creationLogs,
  InvalidParameterError,
  type CreateTaskResult,
  type NewTask,
  type Page,
  type PageRequest,
  type Task,
  type TaskFilter,
  type TaskStatus,
} from '../../core/index.ts';
import { chunkForStatements, retryTransaction } from './batching.ts';
import { decodeCursor, encodeCursor } from './cursor.ts';
import { deleteEdgesOf, waitsOnNothing } from './dependency-queries.ts';
import type { Database } from './database.ts';
import { insertLogRows } from './log-queries.ts';
import { createdTask, newTaskRow, taskFromRow, toJsonText } from './row-mapping.ts';

type Db = Kysely<Database>;

export const MAX_PAGE_SIZE = 1000;

/**
 * Creates tasks and their "Task created" logs in ONE transaction, per statement-sized chunk:
 * one SELECT of the ids that already exist (idempotency keys), one multi-row INSERT of the
 * new tasks, one multi-row INSERT of their first logs.
 *
 * A plain INSERT (not INSERT IGNORE, which would also turn truncation errors into warnings):
 * if another writer commits the same task_id between our SELECT and INSERT, the INSERT fails
 * with a duplicate key, the transaction rolls back, and the retry sees the committed row.
 */
export async function createTasks(db: Db, tasks: readonly NewTask[]): Promise<CreateTaskResult[]> {
  if (tasks.length === 0) return [];
  // Inside one batch the first of duplicate ids wins.
  const unique = new Map<string, NewTask>();
  for (const task of tasks) if (!unique.has(task.taskId)) unique.set(task.taskId, task);

  const outcome = await retryTransaction(() =>
    db.transaction().execute(async (trx) => {
      const byId = new Map<string, CreateTaskResult>();
      const chunks = chunkForStatements([...unique.values()], (t) => toJsonText(t.payload).length + 256);
      for (const chunk of chunks) {
        const existing = await trx
          .selectFrom('task')
          .selectAll()
          .where(
            'task_id',
            'in',
            chunk.map((t) => t.taskId),
          )
          .execute();
        for (const row of existing) byId.set(row.task_id, { task: taskFromRow(row), created: false });
        const fresh = chunk.filter((t) => !byId.has(t.taskId));
        if (fresh.length === 0) continue;
        await trx.insertInto('task').values(fresh.map(newTaskRow)).execute();
        await insertLogRows(trx, fresh.flatMap(creationLogs));
        for (const task of fresh) byId.set(task.taskId, { task: createdTask(task), created: true });
      }
      return byId;
    }),
  );

  const reported = new Set<string>();
  return tasks.map((task) => {
    const result = outcome.get(task.taskId) as CreateTaskResult;
    if (reported.has(task.taskId)) return { task: copyTask(result.task), created: false };
    reported.add(task.taskId);
    return result;
  });
}

/** A duplicate inside one batch gets its own object, so callers never share mutable state. */
const copyTask = (task: Task): Task => structuredClone(task);

export async function getTask(db: Db, taskId: string): Promise<Task | undefined> {
  const row = await db.selectFrom('task').selectAll().where('task_id', '=', taskId).executeTakeFirst();
  return row && taskFromRow(row);
}

export async function getTasks(db: Db, taskIds: readonly string[]): Promise<Task[]> {
  const unique = [...new Set(taskIds)];
  const found: Task[] = [];
  for (const chunk of chunkForStatements(unique)) {
    const rows = await db.selectFrom('task').selectAll().where('task_id', 'in', chunk).execute();
    for (const row of rows) found.push(taskFromRow(row));
  }
  return found;
}

/**
 * Newest first, keyset-paginated on (created_at DESC, task_id DESC) through idx_created_at:
 * the cursor condition is spelled as an OR so both MySQL and MariaDB use the index range.
 */
/** The filter as WHERE conditions, shared by the listing and the count. */
function whereFilter<Q extends SelectQueryBuilder<Database, 'task', object>>(query: Q, filter: TaskFilter): Q {
  let q = query as SelectQueryBuilder<Database, 'task', object>;
  if (filter.status && filter.status.length > 0) q = q.where('status', 'in', filter.status);
  if (filter.taskType !== undefined) q = q.where('task_type', '=', filter.taskType);
  if (filter.priority !== undefined) q = q.where('priority', '=', filter.priority);
  if (filter.workerId !== undefined) q = q.where('worker_id', '=', filter.workerId);
  if (filter.createdFrom) q = q.where('created_at', '>=', filter.createdFrom);
  if (filter.createdTo) q = q.where('created_at', '<', filter.createdTo);
  return q as Q;
}

export async function countTasks(db: Db, filter: TaskFilter): Promise<number> {
  const row = await whereFilter(
    db.selectFrom('task').select((eb) => eb.fn.countAll<number>().as('n')),
    filter,
  ).executeTakeFirst();
  return Number(row?.n ?? 0);
}

export async function listTasks(db: Db, filter: TaskFilter, page: PageRequest): Promise<Page<Task>> {
  if (!Number.isInteger(page.limit) || page.limit < 1 || page.limit > MAX_PAGE_SIZE) {
    throw new InvalidParameterError(`limit must be an integer in 1..${MAX_PAGE_SIZE}`, { field: 'limit' });
  }
  const cursor = page.cursor === undefined ? undefined : decodeCursor(page.cursor);
  let query = whereFilter(db.selectFrom('task').selectAll(), filter);
  if (cursor) {
    query = query.where((eb) =>
      eb.or([
        eb('created_at', '<', cursor.createdAt),
        eb.and([eb('created_at', '=', cursor.createdAt), eb('task_id', '<', cursor.taskId)]),
      ]),
    );
  }
  const rows = await query
    .orderBy('created_at', 'desc')
    .orderBy('task_id', 'desc')
    .limit(page.limit + 1)
    .execute();
  const items = rows.slice(0, page.limit).map(taskFromRow);
  const last = items[items.length - 1];
  return rows.length > page.limit && last
    ? { items, nextCursor: encodeCursor({ createdAt: last.createdAt, taskId: last.taskId }) }
    : { items };
}

export async function findDuePending(db: Db, dueBefore: Date, limit: number): Promise<Task[]> {
  const rows = await db
    .selectFrom('task')
    .selectAll()
    .where('status', '=', 'PENDING')
    .where('scheduled_at', '<=', dueBefore)
    .where(waitsOnNothing)
    .orderBy('scheduled_at', 'asc')
    .orderBy('task_id', 'asc')
    .limit(limit)
    .execute();
  return rows.map(taskFromRow);
}

/** started_at + timeout seconds: a fixed SQL fragment over two columns, no input in it. */
const DEADLINE = sql<Date>`started_at + INTERVAL timeout SECOND`;

/**
 * PROCESSING past started_at + timeout, the earliest deadline first. `started_at < now`
 * (true of every late task, timeouts being ≥ 1 s) narrows the PROCESSING rows of idx_status_priority.
 */
export async function findTimedOut(db: Db, now: Date, limit: number): Promise<Task[]> {
  const rows = await db
    .selectFrom('task')
    .selectAll()
    .where('status', '=', 'PROCESSING')
    .where('started_at', '<', now)
    .where(DEADLINE, '<', now)
    .orderBy(DEADLINE, 'asc')
    .orderBy('task_id', 'asc')
    .limit(limit)
    .execute();
  return rows.map(taskFromRow);
}

/** PROCESSING tasks owned by a worker (idx_worker_id), oldest start first. */
export async function findProcessingByWorker(db: Db, workerId: string, limit: number): Promise<Task[]> {
  const rows = await db
    .selectFrom('task')
    .selectAll()
    .where('worker_id', '=', workerId)
    .where('status', '=', 'PROCESSING')
    .orderBy('started_at', 'asc')
    .orderBy('task_id', 'asc')
    .limit(limit)
    .execute();
  return rows.map(taskFromRow);
}

export async function countProcessingByType(db: Db): Promise<Map<string, number>> {
  const rows = await db
    .selectFrom('task')
    .select(['task_type', (eb) => eb.fn.countAll<number>().as('n')])
    .where('status', '=', 'PROCESSING')
    .groupBy('task_type')
    .execute();
  return new Map(rows.map((row) => [row.task_type, Number(row.n)]));
}

export async function countByStatus(db: Db): Promise<Record<TaskStatus, number>> {
  const rows = await db
    .selectFrom('task')
    .select(['status', (eb) => eb.fn.countAll<number>().as('n')])
    .groupBy('status')
    .execute();
  const counts = Object.fromEntries(ALL_STATUSES.map((s) => [s, 0])) as Record<TaskStatus, number>;
  for (const row of rows) {
    const status = row.status.toUpperCase() as TaskStatus;
    if (status in counts) counts[status] = Number(row.n);
  }
  return counts;
}

/**
 * Retention: the oldest finished tasks of `statuses` (idx_completed_at), locked, then their
 * logs and the tasks themselves, in one transaction. The DELETE repeats the status guard, so a
 * task retried by hand in between stays.
 */
export async function deleteFinished(
  db: Db,
  statuses: readonly TaskStatus[],
  completedBefore: Date,
  limit: number,
): Promise<number> {
  if (statuses.length === 0) return 0;
  return retryTransaction(() =>
    db.transaction().execute(async (trx) => {
      const rows = await trx
        .selectFrom('task')
        .select('task_id')
        .where('status', 'in', statuses)
        .where('completed_at', '<', completedBefore)
        .orderBy('completed_at', 'asc')
        .limit(limit)
        .forUpdate()
        .execute();
      if (rows.length === 0) return 0;
      const ids = rows.map((row) => row.task_id);
      await trx.deleteFrom('task_logs').where('task_id', 'in', ids).execute();
      await deleteEdgesOf(trx, ids);
      const result = await trx
        .deleteFrom('task')
        .where('task_id', 'in', ids)
        .where('status', 'in', statuses)
        .executeTakeFirst();
      return Number(result.numDeletedRows);
    }),
  );
}
