import { Kysely, PostgresDialect, type Transaction } from 'kysely';
import type { NewTask } from '../../core/index.ts';
import { chunkForStatements } from '../../lib/sql-storage/statement-chunks.ts';
import { toJsonText } from '../../lib/sql-storage/row-mapping.ts';
import { transactionalEnqueueWith } from '../../lib/sql-storage/transactional-enqueue.ts';
import { insertStatement } from './task-queries.ts';

/** A pg client inside BEGIN … COMMIT (`pg.Client`, or a `pg.PoolClient` checked out of a pool). */
export interface PgConnection {
  query(text: string, values?: unknown[]): Promise<{ rows: unknown[] }>;
}

/** The caller's own transaction: a kysely transaction (any database type) or a pg client inside BEGIN … COMMIT. */
// biome-ignore lint/suspicious/noExplicitAny: the caller's own kysely schema, whatever it is
export type CallerTransaction = Transaction<any> | Kysely<any> | PgConnection;

/** A query compiler with no pool behind it: the statement for a plain pg client. */
const COMPILER = new Kysely<unknown>({
  dialect: new PostgresDialect({ pool: async () => Promise.reject(new Error('compile only')) as never }),
});

/**
 * Writes prepared tasks and their first log rows through the caller's transaction, with the
 * storage's own single INSERT … ON CONFLICT DO NOTHING statement per 1000 tasks: they exist if
 * and only if that transaction commits. Ids that already exist (an idempotency key used before)
 * are left alone. The caller's session must see the storage's tables (its search_path, or the
 * same schema). Returns the ids written.
 */
export async function insertPreparedTasks(conn: CallerTransaction, tasks: readonly NewTask[]): Promise<string[]> {
  const written: string[] = [];
  for (const chunk of chunkForStatements(tasks, (t) => toJsonText(t.payload).length + 256)) {
    const statement = insertStatement(chunk);
    let rows: { task_id: string }[];
    if ('executeQuery' in conn && typeof conn.executeQuery === 'function') {
      rows = (await statement.execute(conn as Kysely<unknown>)).rows;
    } else {
      const compiled = statement.compile(COMPILER);
      rows = (await (conn as PgConnection).query(compiled.sql, [...compiled.parameters])).rows as { task_id: string }[];
    }
    written.push(...rows.map((row) => row.task_id));
  }
  return written;
}

/**
 * Transactional enqueue on PostgreSQL (docs/operations.md, "Transactional enqueue"): tasks
 * written in the caller's kysely transaction, or through a pg client inside BEGIN … COMMIT,
 * exist if and only if it commits, and are queued right after it (lib/sql-storage/transactional-enqueue.ts).
 */
export const transactionalEnqueue = transactionalEnqueueWith<CallerTransaction>(insertPreparedTasks);

export type TransactionalEnqueue = ReturnType<typeof transactionalEnqueue>;
