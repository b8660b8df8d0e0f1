import { sql, type Kysely, type Transaction } from 'kysely';
import { assertTransition, type TaskTransition, type TransitionResult } from '../../core/index.ts';
import { chunkForStatements, retryTransaction } from './batching.ts';
import type { Database } from '../../lib/sql-storage/database.ts';
import { insertLogRows } from './log-queries.ts';
import { toJsonText } from '../../lib/sql-storage/row-mapping.ts';
import { changeSize, rounds } from '../../lib/sql-storage/transition-rounds.ts';

type Trx = Transaction<Database>;

/**
 * Applies guarded status changes in ONE transaction, a few statements whatever the batch:
 *  1. per statement-sized chunk, one UPDATE joining the task rows to the chunk's changes
 *     (JSON_TABLE over one JSON document), each row written only when its guard holds
 *     (status = from, and worker_id when expected) — every change its own values, so a batch
 *     of outcomes with different results is still one statement;
 *  2. when the UPDATE matched every change (the rule: races are rare), one multi-row INSERT
 *     of the logs and COMMIT: four round trips for the whole batch;
 *  3. when it matched fewer, some guard failed: the chunk's UPDATE is rolled back and the
 *     transaction done again the careful way (lock the rows, keep the changes whose guard
 *     holds, write those).
 * The rows stay locked from the UPDATE to commit, so a racing writer sees the new status and loses.
 */
export async function applyTransitions(
  db: Kysely<Database>,
  changes: readonly TaskTransition[],
): Promise<TransitionResult> {
  // An edge outside the table is a bug in the caller: refuse the whole batch before writing.
  for (const change of changes) assertTransition(change.from, change.to, change.via);
  if (changes.length === 0) return { applied: [], rejected: [] };

  let appliedSet: Set<TaskTransition> | undefined;
  try {
    appliedSet = await retryTransaction(() => db.transaction().execute((trx) => writeAll(trx, changes, 'optimistic')));
  } catch (error) {
    if (!(error instanceof GuardMissed)) throw error;
  }
  appliedSet ??= await retryTransaction(() => db.transaction().execute((trx) => writeAll(trx, changes, 'careful')));

  const result: TransitionResult = { applied: [], rejected: [] };
  for (const change of changes) (appliedSet.has(change) ? result.applied : result.rejected).push(change.taskId);
  return result;
}

/**
 * `optimistic`: every guard is expected to hold; throws GuardMissed (kysely rolls the
 * transaction back) when one does not. `careful`: locks and reads the rows first, writes the changes that hold.
 */
async function writeAll(
  trx: Trx,
  changes: readonly TaskTransition[],
  mode: 'optimistic' | 'careful',
): Promise<Set<TaskTransition>> {
  const applied = new Set<TaskTransition>();
  for (const round of rounds(changes)) {
    for (const chunk of chunkForStatements(round, changeSize)) {
      const matched = mode === 'careful' ? await lockAndFilter(trx, chunk) : chunk;
      if (matched.length === 0) continue;
      const updated = await updateJoined(trx, matched);
      if (updated !== matched.length) {
        if (mode === 'careful') throw new Error(`storage-mysql: ${updated} of ${matched.length} locked rows updated`);
        throw new GuardMissed();
      }
      for (const change of matched) applied.add(change);
    }
  }
  await insertLogRows(
    trx,
    changes.filter((c) => applied.has(c)).flatMap((c) => c.logs),
  );
  return applied;
}

/** Thrown inside the optimistic transaction so kysely rolls it back; caught right away. */
class GuardMissed extends Error {}

async function lockAndFilter(trx: Trx, chunk: readonly TaskTransition[]): Promise<TaskTransition[]> {
  const rows = await trx
    .selectFrom('task')
    .select(['task_id', 'status', 'worker_id'])
    .where(
      'task_id',
      'in',
      chunk.map((c) => c.taskId),
    )
    .forUpdate()
    .execute();
  const current = new Map(rows.map((row) => [row.task_id, row]));
  return chunk.filter((change) => {
    const row = current.get(change.taskId);
    return (
      row !== undefined &&
      row.status === change.from &&
      (change.expectedWorkerId === undefined || row.worker_id === change.expectedWorkerId)
    );
  });
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

/** One change as a row of the JSON_TABLE below; absent keys read as NULL. */
interface ChangeRow {
  id: string;
  f: string;
  t: string;
  g?: string;
  at: string;
  m: number;
  w?: string | null;
  r?: string | null;
  e?: string | null;
  rc?: number;
  mr?: number;
  sa?: string | null;
  st?: string | null;
  ca?: string | null;
}

/** DATETIME(3) text in UTC, as the connection's time zone (+00:00) reads it. */
function datetime(date: Date): string {
  return date.toISOString().slice(0, 23).replace('T', ' ');
}

function optionalDatetime(date: Date | null): string | null {
  return date === null ? null : datetime(date);
}

function changeRow(change: TaskTransition): ChangeRow {
  const { patch } = change;
  const row: ChangeRow = { id: change.taskId, f: change.from, t: change.to, at: datetime(change.at), m: 0 };
  if (change.expectedWorkerId !== undefined) row.g = change.expectedWorkerId;
  if (patch.workerId !== undefined) (row.m |= FIELD.workerId), (row.w = patch.workerId);
  if (patch.result !== undefined)
    (row.m |= FIELD.result), (row.r = patch.result === null ? null : toJsonText(patch.result));
  if (patch.errorMsg !== undefined) (row.m |= FIELD.errorMsg), (row.e = patch.errorMsg);
  if (patch.retryCount !== undefined) (row.m |= FIELD.retryCount), (row.rc = patch.retryCount);
  if (patch.maxRetry !== undefined) (row.m |= FIELD.maxRetry), (row.mr = patch.maxRetry);
  if (patch.scheduledAt !== undefined) (row.m |= FIELD.scheduledAt), (row.sa = datetime(patch.scheduledAt));
  if (patch.startedAt !== undefined) (row.m |= FIELD.startedAt), (row.st = optionalDatetime(patch.startedAt));
  if (patch.completedAt !== undefined) (row.m |= FIELD.completedAt), (row.ca = optionalDatetime(patch.completedAt));
  // Back to PENDING, a new attempt starts from nothing: the old progress goes.
  if (change.to === 'PENDING') row.m |= FIELD.clearProgress;
  return row;
}

/**
 * One UPDATE for many changes, each with its own values, guarded row by row; returns how many
 * rows it changed. `IF(v.m & bit, new, old)` writes a patch column only for the changes that
 * set it. Identifiers and the SQL shape are fixed; every value travels in the one JSON
 * parameter.
 */
async function updateJoined(trx: Trx, changes: readonly TaskTransition[]): Promise<number> {
  const document = JSON.stringify(changes.map(changeRow));
  const result = await sql`
    UPDATE task t
    JOIN JSON_TABLE(${document}, '$[*]' COLUMNS (
      id VARCHAR(64) PATH '$.id',
      f VARCHAR(20) PATH '$.f',
      t VARCHAR(20) PATH '$.t',
      g VARCHAR(64) PATH '$.g',
      at DATETIME(3) PATH '$.at',
      m INT PATH '$.m',
      w VARCHAR(64) PATH '$.w',
      r LONGTEXT PATH '$.r',
      e LONGTEXT PATH '$.e',
      rc INT PATH '$.rc',
      mr INT PATH '$.mr',
      sa DATETIME(3) PATH '$.sa',
      st DATETIME(3) PATH '$.st',
      ca DATETIME(3) PATH '$.ca'
    )) v ON t.task_id = v.id COLLATE utf8mb4_bin
    SET
      t.status = v.t,
      t.updated_at = v.at,
      t.worker_id = IF(v.m & ${FIELD.workerId}, v.w, t.worker_id),
      t.result = IF(v.m & ${FIELD.result}, v.r, t.result),
      t.error_msg = IF(v.m & ${FIELD.errorMsg}, v.e, t.error_msg),
      t.retry_count = IF(v.m & ${FIELD.retryCount}, v.rc, t.retry_count),
      t.max_retry = IF(v.m & ${FIELD.maxRetry}, v.mr, t.max_retry),
      t.scheduled_at = IF(v.m & ${FIELD.scheduledAt}, v.sa, t.scheduled_at),
      t.started_at = IF(v.m & ${FIELD.startedAt}, v.st, t.started_at),
      t.completed_at = IF(v.m & ${FIELD.completedAt}, v.ca, t.completed_at),
      t.progress = IF(v.m & ${FIELD.clearProgress}, NULL, t.progress)
    WHERE t.status = v.f COLLATE utf8mb4_bin
      AND (v.g IS NULL OR t.worker_id = v.g COLLATE utf8mb4_bin)`.execute(trx);
  return Number(result.numAffectedRows ?? 0);
}
