import { sql, type Kysely, type RawBuilder, type SelectQueryBuilder, type Transaction } from 'kysely';
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
import { decodeCursor, encodeCursor } from '../../lib/sql-storage/cursor.ts';
import type { Database, TaskRow } from '../../lib/sql-storage/database.ts';
import { createdTask, taskFromRow as mapTask, toJsonText } from '../../lib/sql-storage/row-mapping.ts';
import { chunkForStatements } from '../../lib/sql-storage/statement-chunks.ts';
import { retryTransaction } from '../../lib/sql-storage/transaction-retry.ts';
import { isRetryableConflict } from './errors.ts';
import { LOG_COLUMNS, LOG_SOURCE, LOG_TARGET, logDocument } from './log-queries.ts';
import { waitsOnNothing } from './dependency-queries.ts';
import { decodeTaskRow, encodeJsonText } from './nul-escape.ts';
import { PREPARE } from './prepared-statements.ts';

type Db = Kysely<Database>;

const taskFromRow = (row: TaskRow): Task => mapTask(decodeTaskRow(row));
type Executor = Db | Transaction<Database>;

export const MAX_PAGE_SIZE = 1000;

/**
 * Creates tasks and their "Task created" logs with ONE statement per 1000 tasks: an INSERT …
 * ON CONFLICT (task_id) DO NOTHING RETURNING of the tasks, and in the same statement the
 * INSERT of the logs of the rows it returned. A single statement is its own transaction, so
 * the usual create (one chunk) is one round trip and one commit. Ids that already existed
 * (idempotency keys) come back from a SELECT afterwards, which only runs when there are some.
 *
 * A concurrent writer of the same task_id: ON CONFLICT waits for its transaction and then
 * skips the row, which the SELECT reads; a deadlock between two such batches is retried.
 */
export async function createTasks(db: Db, tasks: readonly NewTask[]): Promise<CreateTaskResult[]> {
  if (tasks.length === 0) return [];
  // Inside one batch the first of duplicate ids wins.
  const unique = new Map<string, NewTask>();
  for (const task of tasks) if (!unique.has(task.taskId)) unique.set(task.taskId, task);
  const byId = new Map<string, CreateTaskResult>();
  let pending = [...unique.values()];
  for (let round = 1; pending.length > 0; round++) {
    const inserted = await retryTransaction(() => insertAll(db, pending), isRetryableConflict);
    for (const task of pending)
      if (inserted.has(task.taskId)) byId.set(task.taskId, { task: createdTask(task), created: true });
    const existing = pending.filter((task) => !inserted.has(task.taskId)).map((task) => task.taskId);
    for (const task of await getTasks(db, existing)) byId.set(task.taskId, { task, created: false });
    // An existing task deleted (retention) between the INSERT and the SELECT: its id is free
    // again, so it is inserted in the next round.
    pending = pending.filter((task) => !byId.has(task.taskId));
    if (pending.length > 0 && round >= 4) throw new Error('storage-postgres: createTasks kept racing deletes');
  }

  const reported = new Set<string>();
  return tasks.map((task) => {
    const result = byId.get(task.taskId) as CreateTaskResult;
    if (reported.has(task.taskId)) return { task: structuredClone(result.task), created: false };
    reported.add(task.taskId);
    return result;
  });
}

/** Every chunk's INSERT, in one transaction when there are several; the ids inserted. */
async function insertAll(db: Db, tasks: readonly NewTask[]): Promise<Set<string>> {
  const chunks = chunkForStatements(tasks, (t) => toJsonText(t.payload).length + 256);
  if (chunks.length === 1) return insertChunk(db, chunks[0]!);
  return db.transaction().execute(async (trx) => {
    const all = new Set<string>();
    for (const chunk of chunks) for (const id of await insertChunk(trx, chunk)) all.add(id);
    return all;
  });
}

export async function insertChunk(db: Executor, chunk: readonly NewTask[]): Promise<Set<string>> {
  const { rows } = await insertStatement(chunk).execute(db);
  return new Set(rows.map((row) => row.task_id));
}

/**
 * The tasks of `chunk` and their creation logs as one statement (any kysely instance can run
 * it, or compile it for a plain pg client): returns the ids it inserted.
 */
export function insertStatement(chunk: readonly NewTask[]): RawBuilder<{ task_id: string }> {
  const tasksDocument = encodeJsonText(
    JSON.stringify(
      chunk.map((task, n) => ({
        n,
        task_id: task.taskId,
        task_type: task.taskType,
        priority: task.priority,
        payload: task.payload,
        max_retry: task.maxRetry,
        timeout: task.timeout,
        scheduled_at: task.scheduledAt.toISOString(),
        created_at: task.createdAt.toISOString(),
        trace_parent: task.traceParent ?? null,
      })),
    ),
  );
  let n = 0;
  const logsDocument = encodeJsonText(
    JSON.stringify(chunk.flatMap((task) => creationLogs(task).map((log) => ({ n: n++, ...logDocument(log) })))),
  );
  return sql<{ task_id: string }>`${sql.raw(PREPARE)}
    WITH inserted AS (
      INSERT INTO task (task_id, task_type, priority, status, payload, retry_count, max_retry, timeout,
                        scheduled_at, created_at, updated_at, trace_parent)
      SELECT t.task_id, t.task_type, t.priority, 'PENDING', t.payload, 0, t.max_retry, t.timeout,
             t.scheduled_at, t.created_at, t.created_at, t.trace_parent
      FROM jsonb_to_recordset(${tasksDocument}::jsonb) AS t(n int, task_id text, task_type text, priority smallint,
           payload jsonb, max_retry int, timeout int, scheduled_at timestamptz, created_at timestamptz,
           trace_parent text)
      ORDER BY t.n
      ON CONFLICT (task_id) DO NOTHING
      RETURNING task_id
    ), logs AS (
      INSERT INTO task_logs (${sql.raw(LOG_TARGET)})
      SELECT ${sql.raw(LOG_SOURCE)}
      FROM jsonb_to_recordset(${logsDocument}::jsonb) AS l(n int, ${sql.raw(LOG_COLUMNS)})
      JOIN inserted i ON i.task_id = l.task_id
      ORDER BY l.n
    )
    SELECT task_id FROM inserted`;
}

export async function getTask(db: Executor, taskId: string): Promise<Task | undefined> {
  const row = await db.selectFrom('task').selectAll().where('task_id', '=', taskId).executeTakeFirst();
  return row && taskFromRow(row);
}

/** One `task_id = ANY($1)` per 1000 ids: one parameter whatever the count, so one prepared statement. */
export async function getTasks(db: Executor, taskIds: readonly string[]): Promise<Task[]> {
  const unique = [...new Set(taskIds)];
  const found: Task[] = [];
  for (const chunk of chunkForStatements(unique)) {
    const { rows } =
      await sql<TaskRow>`${sql.raw(PREPARE)} SELECT * FROM task WHERE task_id = ANY(${chunk}::text[])`.execute(db);
    for (const row of rows) found.push(taskFromRow(row));
  }
  return found;
}

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

/**
 * Newest first, keyset-paginated on (created_at DESC, task_id DESC): a row comparison, which
 * PostgreSQL turns into one range of task_created_at_idx (or task_type_created_at_idx).
 */
export async function listTasks(db: Db, filter: TaskFilter, page: PageRequest): Promise<Page<Task>> {
  if (!Number.isInteger(page.limit) || page.limit < 1 || page.limit > MAX_PAGE_SIZE) {
    throw new InvalidParameterError(`limit must be an integer in 1..${MAX_PAGE_SIZE}`, { field: 'limit' });
  }
  const cursor = page.cursor === undefined ? undefined : decodeCursor(page.cursor);
  let query = whereFilter(db.selectFrom('task').selectAll(), filter);
  if (cursor) {
    query = query.where((eb) =>
      eb(eb.refTuple('created_at', 'task_id'), '<', eb.tuple(cursor.createdAt, cursor.taskId)),
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

/**
 * PENDING and due, through the partial index task_pending_idx (scheduled_at, task_id); dependents
 * still waiting (or broken) are left out (a lookup on task_dependency's primary key).
 */
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
const DEADLINE = sql<Date>`started_at + timeout * interval '1 second'`;

/** PROCESSING past started_at + timeout, the earliest deadline first (the running rows of task_processing_idx). */
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

/** PROCESSING tasks owned by a worker (task_processing_idx), oldest start first. */
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
 * Retention in one statement: claim the oldest finished tasks of `statuses` (task_completed_at_idx)
 * with FOR UPDATE SKIP LOCKED, so a second leader's pass or a retry by hand in flight is
 * stepped over rather than waited for; delete them, repeating the status guard, with their logs
 * and their dependency edges.
 */
export async function deleteFinished(
  db: Db,
  statuses: readonly TaskStatus[],
  completedBefore: Date,
  limit: number,
): Promise<number> {
  if (statuses.length === 0) return 0;
  const list = [...statuses];
  const { rows } = await sql<{ n: number }>`
    WITH doomed AS (
      SELECT task_id FROM task
      WHERE status = ANY(${list}::text[]) AND completed_at < ${completedBefore}
      ORDER BY completed_at
      LIMIT ${limit}
      FOR UPDATE SKIP LOCKED
    ), gone AS (
      DELETE FROM task t USING doomed d
      WHERE t.task_id = d.task_id AND t.status = ANY(${list}::text[])
      RETURNING t.task_id
    ), logs AS (
      DELETE FROM task_logs l USING gone g WHERE l.task_id = g.task_id
    ), edges AS (
      DELETE FROM task_dependency e USING gone g WHERE e.task_id = g.task_id
    )
    SELECT COUNT(*) AS n FROM gone`.execute(db);
  return Number(rows[0]?.n ?? 0);
}
