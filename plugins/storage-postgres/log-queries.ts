import type { Kysely, Transaction } from 'kysely';
import type { NewTaskLog, TaskLog } from '../../core/index.ts';
import type { Database, NewTaskLogRow } from '../../lib/sql-storage/database.ts';
import { logFromRow, logRow } from '../../lib/sql-storage/row-mapping.ts';
import { chunkForStatements } from '../../lib/sql-storage/statement-chunks.ts';
import { decodeLogRow, encodeText } from './nul-escape.ts';

type Db = Kysely<Database> | Transaction<Database>;

const logSize = (log: NewTaskLog): number => log.message.length + (log.errorDetail?.length ?? 0) + 128;

function encodedLogRow(log: NewTaskLog): NewTaskLogRow {
  const row = logRow(log);
  row.message = encodeText(row.message);
  row.error_detail = encodeText(row.error_detail ?? null);
  return row;
}

/**
 * Log rows that change no status, in the given order (ids, and so getLogs order, follow it).
 * One statement needs no transaction; a batch split over several is wrapped in one so it lands whole.
 */
export async function appendLogs(db: Kysely<Database>, logs: readonly NewTaskLog[]): Promise<void> {
  if (chunkForStatements(logs, logSize).length <= 1) return insertLogRows(db, logs);
  await db.transaction().execute((trx) => insertLogRows(trx, logs));
}

/** Multi-row INSERTs in the given order, on `db` or inside the caller's transaction. */
export async function insertLogRows(db: Db, logs: readonly NewTaskLog[]): Promise<void> {
  for (const chunk of chunkForStatements(logs, logSize))
    await db.insertInto('task_logs').values(chunk.map(encodedLogRow)).execute();
}

/** Oldest first: task_logs_task_id_idx (task_id, id) is read in order. */
export async function getLogs(db: Db, taskId: string): Promise<TaskLog[]> {
  const rows = await db
    .selectFrom('task_logs')
    .selectAll()
    .where('task_id', '=', taskId)
    .orderBy('id', 'asc')
    .execute();
  return rows.map((row) => logFromRow(decodeLogRow(row)));
}

/** The fields of a log row as a statement document carries them (jsonb_to_recordset, LOG_COLUMNS). */
export function logDocument(log: NewTaskLog): Record<string, unknown> {
  return {
    task_id: log.taskId,
    log_type: log.logType,
    from_status: log.fromStatus,
    to_status: log.toStatus,
    message: log.message,
    worker_id: log.workerId,
    retry_count: log.retryCount,
    error_detail: log.errorDetail,
    created_at: log.createdAt.toISOString(),
  };
}

/** The recordset columns of logDocument, for `jsonb_to_recordset(…) AS l(<these>, …)`. */
export const LOG_COLUMNS = `task_id text, log_type text, from_status text, to_status text, message text,
  worker_id text, retry_count int, error_detail text, created_at timestamptz`;
/** The task_logs columns those fill, in the same order. */
export const LOG_TARGET =
  'task_id, log_type, from_status, to_status, message, worker_id, retry_count, error_detail, created_at';
/** The same columns read from the recordset aliased `l`. */
export const LOG_SOURCE = LOG_TARGET.split(', ')
  .map((column) => `l.${column}`)
  .join(', ');
