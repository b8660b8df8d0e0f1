import { sql, type Kysely, type Transaction } from 'kysely';
import { assertTransition, type TaskTransition, type TransitionResult } from '../../core/index.ts';
import type { Database } from '../../lib/sql-storage/database.ts';
import { chunkForStatements } from '../../lib/sql-storage/statement-chunks.ts';
import { retryTransaction } from '../../lib/sql-storage/transaction-retry.ts';
import { changeSize, rounds } from '../../lib/sql-storage/transition-rounds.ts';
import { isRetryableConflict } from './errors.ts';
import { LOG_COLUMNS, LOG_SOURCE, LOG_TARGET, logDocument } from './log-queries.ts';
import { encodeJsonText } from './nul-escape.ts';
import { PREPARE } from './prepared-statements.ts';

type Executor = Kysely<Database> | Transaction<Database>;

/**
 * Applies guarded status changes with ONE statement per 1000 changes: an UPDATE joined to the
 * changes (jsonb_to_recordset over one document), each row written only when its guard holds
 * (status = from, and worker_id when expected), RETURNING which changes it wrote, and in the
 * same statement the INSERT of those changes' log rows. Every change has its own values, so
 * a batch of outcomes with different results is still one statement.
 *
 * A single statement is its own transaction: the usual batch is one round trip and one
 * commit, with no second pass when a guard fails (RETURNING says which did). A racing writer
 * waits for the row lock, and PostgreSQL checks the guard again on the row it then sees, so
 * the loser finds the new status and is rejected. Several statements (a task changed twice
 * in one batch, or more than 1000 changes) run in one transaction.
 */
export async function applyTransitions(
  db: Kysely<Database>,
  changes: readonly TaskTransition[],
): Promise<TransitionResult> {
  // An edge outside the table is a bug in the caller: refuse the whole batch before writing.
  for (const change of changes) assertTransition(change.from, change.to, change.via);
  if (changes.length === 0) return { applied: [], rejected: [] };

  const statements = rounds(changes).flatMap((round) => chunkForStatements(round, changeSize));
  const writeAll = async (executor: Executor) => {
    const applied = new Set<TaskTransition>();
    for (const chunk of statements) for (const change of await updateJoined(executor, chunk)) applied.add(change);
    return applied;
  };
  const applied = await retryTransaction(
    () => (statements.length === 1 ? writeAll(db) : db.transaction().execute(writeAll)),
    isRetryableConflict,
  );

  const result: TransitionResult = { applied: [], rejected: [] };
  for (const change of changes) (applied.has(change) ? result.applied : result.rejected).push(change.taskId);
  return result;
}

/** Bits of `m` in the change document: which patch columns a change writes (a column may be set to NULL). */
const FIELD = {
  workerId: 1,
  result: 2,
  errorMsg: 4,
  retryCount: 8,
  maxRetry: 16,
  scheduledAt: 32,
  startedAt: 64,
  completedAt: 128,
  clearProgress: 256,
} as const;

/** One change as a row of the recordset below; absent keys read as NULL. */
interface ChangeRow {
  n: number;
  id: string;
  f: string;
  t: string;
  g?: string;
  at: string;
  m: number;
  w?: string | null;
  r?: unknown;
  e?: string | null;
  rc?: number;
  mr?: number;
  sa?: string | null;
  st?: string | null;
  ca?: string | null;
}

const iso = (date: Date | null): string | null => (date === null ? null : date.toISOString());

function changeRow(change: TaskTransition, n: number): ChangeRow {
  const { patch } = change;
  const row: ChangeRow = { n, id: change.taskId, f: change.from, t: change.to, at: change.at.toISOString(), m: 0 };
  if (change.expectedWorkerId !== undefined) row.g = change.expectedWorkerId;
  if (patch.workerId !== undefined) (row.m |= FIELD.workerId), (row.w = patch.workerId);
  // The result is embedded as JSON (the jsonb column of the recordset); null writes SQL NULL.
  if (patch.result !== undefined) (row.m |= FIELD.result), (row.r = patch.result);
  if (patch.errorMsg !== undefined) (row.m |= FIELD.errorMsg), (row.e = patch.errorMsg);
  if (patch.retryCount !== undefined) (row.m |= FIELD.retryCount), (row.rc = patch.retryCount);
  if (patch.maxRetry !== undefined) (row.m |= FIELD.maxRetry), (row.mr = patch.maxRetry);
  if (patch.scheduledAt !== undefined) (row.m |= FIELD.scheduledAt), (row.sa = iso(patch.scheduledAt));
  if (patch.startedAt !== undefined) (row.m |= FIELD.startedAt), (row.st = iso(patch.startedAt));
  if (patch.completedAt !== undefined) (row.m |= FIELD.completedAt), (row.ca = iso(patch.completedAt));
  // Back to PENDING, a new attempt starts from nothing: the old progress goes.
  if (change.to === 'PENDING') row.m |= FIELD.clearProgress;
  return row;
}

/**
 * The UPDATE of one chunk and the INSERT of its applied changes' logs, in one statement;
 * returns the changes written. `CASE WHEN v.m & bit` writes a patch column only for the
 * changes that set it. Identifiers and the SQL shape are fixed; every value travels in the
 * two JSON parameters.
 */
async function updateJoined(db: Executor, chunk: readonly TaskTransition[]): Promise<TaskTransition[]> {
  const changesDocument = encodeJsonText(JSON.stringify(chunk.map(changeRow)));
  // The ids again as an array: the planner cannot see inside the document (it guesses 100
  // rows) and could hash-join it against a scan of the whole table; `= ANY` makes the rows
  // an index lookup whatever the table's size.
  const ids = chunk.map((change) => change.taskId);
  let order = 0;
  const logsDocument = encodeJsonText(
    JSON.stringify(chunk.flatMap((change, c) => change.logs.map((log) => ({ c, n: order++, ...logDocument(log) })))),
  );
  const { rows } = await sql<{ n: number }>`${sql.raw(PREPARE)}
    WITH updated AS (
      UPDATE task SET
        status = v.t,
        updated_at = v.at,
        worker_id = CASE WHEN (v.m & ${FIELD.workerId}) <> 0 THEN v.w ELSE task.worker_id END,
        result = CASE WHEN (v.m & ${FIELD.result}) <> 0 THEN v.r ELSE task.result END,
        error_msg = CASE WHEN (v.m & ${FIELD.errorMsg}) <> 0 THEN v.e ELSE task.error_msg END,
        retry_count = CASE WHEN (v.m & ${FIELD.retryCount}) <> 0 THEN v.rc ELSE task.retry_count END,
        max_retry = CASE WHEN (v.m & ${FIELD.maxRetry}) <> 0 THEN v.mr ELSE task.max_retry END,
        scheduled_at = CASE WHEN (v.m & ${FIELD.scheduledAt}) <> 0 THEN v.sa ELSE task.scheduled_at END,
        started_at = CASE WHEN (v.m & ${FIELD.startedAt}) <> 0 THEN v.st ELSE task.started_at END,
        completed_at = CASE WHEN (v.m & ${FIELD.completedAt}) <> 0 THEN v.ca ELSE task.completed_at END,
        progress = CASE WHEN (v.m & ${FIELD.clearProgress}) <> 0 THEN NULL ELSE task.progress END
      FROM jsonb_to_recordset(${changesDocument}::jsonb) AS v(n int, id text, f text, t text, g text,
           at timestamptz, m int, w text, r jsonb, e text, rc int, mr int, sa timestamptz, st timestamptz,
           ca timestamptz)
      WHERE task.task_id = ANY(${ids}::text[])
        AND task.task_id = v.id AND task.status = v.f AND (v.g IS NULL OR task.worker_id = v.g)
      RETURNING v.n
    ), logs AS (
      INSERT INTO task_logs (${sql.raw(LOG_TARGET)})
      SELECT ${sql.raw(LOG_SOURCE)}
      FROM jsonb_to_recordset(${logsDocument}::jsonb) AS l(c int, n int, ${sql.raw(LOG_COLUMNS)})
      JOIN updated u ON u.n = l.c
      ORDER BY l.n
    )
    SELECT n FROM updated`.execute(db);
  return rows.map((row) => chunk[row.n] as TaskTransition);
}
