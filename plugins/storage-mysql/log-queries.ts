import type { Kysely, Transaction } from 'kysely';
import type { NewTaskLog, TaskLog } from '../../core/index.ts';
import { chunkForStatements } from './batching.ts';
import type { Database } from '../../lib/sql-storage/database.ts';
import { logFromRow, logRow } from '../../lib/sql-storage/row-mapping.ts';

type Db = Kysely<Database> | Transaction<Database>;

const logSize = (log: NewTaskLog): number => log.message.length + (log.errorDetail?.length ?? 0) + 128;

/** Multi-row INSERTs, in the given order, so ids (and getLogs order) follow the order written. */
export async function insertLogRows(db: Db, logs: readonly NewTaskLog[]): Promise<void> {
  for (const chunk of chunkForStatements(logs, logSize)) {
    await db.insertInto('task_logs').values(chunk.map(logRow)).execute();
  }
}

/**
 * Log rows that change no status. One statement needs no transaction; a batch split over
 * several statements is wrapped in one so it lands whole.
 */
export async function appendLogs(db: Kysely<Database>, logs: readonly NewTaskLog[]): Promise<void> {
  const chunks = chunkForStatements(logs, logSize);
  if (chunks.length <= 1) {
    if (chunks[0]) await db.insertInto('task_logs').values(chunks[0].map(logRow)).execute();
    return;
  }
  await db.transaction().execute((trx) => insertLogRows(trx, logs));
}

/** Oldest first: idx_task_id (task_id, id) is read in order. */
export async function getLogs(db: Db, taskId: string): Promise<TaskLog[]> {
  const rows = await db
    .selectFrom('task_logs')
    .selectAll()
    .where('task_id', '=', taskId)
    .orderBy('id', 'asc')
    .execute();
  return rows.map(logFromRow);
}
