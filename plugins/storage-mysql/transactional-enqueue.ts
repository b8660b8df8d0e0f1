import { CompiledQuery, type Kysely, type Transaction } from 'kysely';
import { creationLogs, type CreateTaskInput, type NewTask, type TaskService } from '../../core/index.ts';
import { chunkForStatements } from './batching.ts';
import { toJsonText } from './row-mapping.ts';

/** A mysql2 connection (promise API: `mysql2/promise`, or a pool connection of it). */
export interface Mysql2Connection {
  query(sql: string, values?: unknown[]): Promise<unknown>;
}

/** The caller's own transaction: a kysely transaction (any database type) or a mysql2 connection inside BEGIN … COMMIT. */
// biome-ignore lint/suspicious/noExplicitAny: the caller's own kysely schema, whatever it is
export type CallerTransaction = Transaction<any> | Kysely<any> | Mysql2Connection;

type Run = (text: string, values: unknown[]) => Promise<unknown[]>;

function runner(conn: CallerTransaction): Run {
  if ('executeQuery' in conn && typeof conn.executeQuery === 'function') {
    const db = conn as Kysely<unknown>;
    return async (text, values) => (await db.executeQuery(CompiledQuery.raw(text, values))).rows as unknown[];
  }
  const mysql = conn as Mysql2Connection;
  return async (text, values) => {
    const result = await mysql.query(text, values);
    return Array.isArray(result) && Array.isArray(result[0]) ? (result[0] as unknown[]) : [];
  };
}

/**
 * DATETIME(3) text in UTC: the caller's connection may read Date objects in its own time zone,
 * text is taken as written (the task manager's pool reads these columns as UTC).
 */
function utc(date: Date): string {
  return date.toISOString().slice(0, 23).replace('T', ' ');
}

const placeholders = (columns: number, rows: number): string =>
  Array.from({ length: rows }, () => `(${Array.from({ length: columns }, () => '?').join(', ')})`).join(', ');

/**
 * Writes prepared tasks and their first log rows through the caller's transaction: they exist
 * if and only if that transaction commits. Ids that already exist (an idempotency key used
 * before) are left alone. Returns the ids written.
 */
export async function insertPreparedTasks(conn: CallerTransaction, tasks: readonly NewTask[]): Promise<string[]> {
  const run = runner(conn);
  const written: string[] = [];
  for (const chunk of chunkForStatements(tasks, (t) => toJsonText(t.payload).length + 256)) {
    const ids = chunk.map((t) => t.taskId);
    const existing = new Set(
      (
        (await run(`SELECT task_id FROM task WHERE task_id IN (${ids.map(() => '?').join(', ')}) FOR UPDATE`, ids)) as {
          task_id: string;
        }[]
      ).map((row) => row.task_id),
    );
    const fresh = chunk.filter((t, i) => !existing.has(t.taskId) && ids.indexOf(t.taskId) === i);
    if (fresh.length === 0) continue;
    await run(
      `INSERT INTO task (task_id, task_type, priority, status, payload, retry_count, max_retry, timeout,
         scheduled_at, created_at, updated_at) VALUES ${placeholders(11, fresh.length)}`,
      fresh.flatMap((t) => [
        t.taskId,
        t.taskType,
        t.priority,
        'PENDING',
        toJsonText(t.payload),
        0,
        t.maxRetry,
        t.timeout,
        utc(t.scheduledAt),
        utc(t.createdAt),
        utc(t.createdAt),
      ]),
    );
    const logs = fresh.flatMap(creationLogs);
    await run(
      `INSERT INTO task_logs (task_id, log_type, from_status, to_status, message, worker_id, retry_count,
         error_detail, created_at) VALUES ${placeholders(9, logs.length)}`,
      logs.flatMap((l) => [
        l.taskId,
        l.logType,
        l.fromStatus,
        l.toStatus,
        l.message,
        l.workerId,
        l.retryCount,
        l.errorDetail,
        utc(l.createdAt),
      ]),
    );
    written.push(...fresh.map((t) => t.taskId));
  }
  return written;
}

/**
 * Transactional enqueue for applications that embed the task manager on MySQL
 * (docs/operations.md, "Transactional enqueue"): tasks are created inside the application's own
 * transaction, so they exist if and only if it commits, and are queued right after the commit.
 *
 * ```ts
 * const outbox = transactionalEnqueue(app.services.tasks);
 * await outbox.run(db, async (trx, enqueue) => {
 *   await trx.insertInto('orders').values(order).execute();
 *   await enqueue([{ taskType: 'send_receipt', payload: { orderId: order.id } }]);
 * });
 * ```
 *
 * `add` + `committed` are the same in two steps, for a transaction the caller commits itself
 * (a mysql2 connection). A process that dies between its commit and `committed` leaves the
 * tasks PENDING in no queue: the leader's reconciliation queues them (scheduler.reconcileGrace).
 */
export function transactionalEnqueue(tasks: TaskService) {
  /** Validates and writes the tasks through `conn` (inside the caller's open transaction); returns their ids. */
  const add = async (conn: CallerTransaction, inputs: readonly CreateTaskInput[]): Promise<string[]> => {
    const prepared = await tasks.prepare(inputs);
    await insertPreparedTasks(conn, prepared);
    return prepared.map((t) => t.taskId);
  };
  return {
    add,
    /** After the commit: queues the tasks at once (no waiting for reconciliation). Returns how many. */
    committed(taskIds: readonly string[]): Promise<number> {
      return tasks.announce(taskIds);
    },
    /**
     * Runs `work` in a transaction of the caller's kysely instance, commits it, then queues the
     * tasks `work` enqueued. A rollback (an error in `work`) creates none.
     */
    // biome-ignore lint/suspicious/noExplicitAny: the caller's own kysely schema
    async run<T, DB = any>(
      db: Kysely<DB>,
      work: (trx: Transaction<DB>, enqueue: (inputs: readonly CreateTaskInput[]) => Promise<string[]>) => Promise<T>,
    ): Promise<T> {
      const ids: string[] = [];
      const result = await db.transaction().execute((trx) =>
        work(trx, async (inputs) => {
          const added = await add(trx, inputs);
          ids.push(...added);
          return added;
        }),
      );
      if (ids.length > 0) await tasks.announce(ids);
      return result;
    },
  };
}

export type TransactionalEnqueue = ReturnType<typeof transactionalEnqueue>;
