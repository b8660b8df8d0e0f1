import type { Kysely, Transaction, Updateable } from 'kysely';
import {
  assertTransition,
  type NewTaskLog,
  type TaskTransition,
  type TransitionResult,
} from '../../core/index.ts';
import { chunkForStatements, retryTransaction } from './batching.ts';
import type { Database, TaskTable } from './database.ts';
import { insertLogRows } from './log-queries.ts';
import { toJsonText } from './row-mapping.ts';

type TaskUpdate = Updateable<TaskTable>;

/**
 * Applies guarded status changes in ONE transaction:
 *  1. lock the rows: SELECT task_id, status, worker_id … WHERE task_id IN (…) FOR UPDATE;
 *  2. keep the changes whose guard holds (status = from, and worker_id when expected);
 *  3. one UPDATE … WHERE task_id IN (…) AND status = ? per group of changes writing the same
 *     columns with the same values (the scheduler's batch PENDING → PROCESSING for one
 *     worker is a single statement; per-task results fall into groups of one);
 *  4. one multi-row INSERT of every applied change's logs; commit.
 * The rows stay locked from 1 to commit, so a racing writer sees the new status and loses.
 */
export async function applyTransitions(db: Kysely<Database>, changes: readonly TaskTransition[]): Promise<TransitionResult> {
  // An edge outside the table is a bug in the caller: refuse the whole batch before writing.
  for (const change of changes) assertTransition(change.from, change.to, change.via);
  if (changes.length === 0) return { applied: [], rejected: [] };

  const appliedSet = await retryTransaction(() =>
    db.transaction().execute(async (trx) => {
      const applied = new Set<TaskTransition>();
      for (const round of rounds(changes)) {
        for (const chunk of chunkForStatements(round)) {
          for (const change of await lockAndFilter(trx, chunk)) applied.add(change);
        }
      }
      const logs: NewTaskLog[] = changes.filter((c) => applied.has(c)).flatMap((c) => c.logs);
      await insertLogRows(trx, logs);
      return applied;
    }),
  );

  const result: TransitionResult = { applied: [], rejected: [] };
  for (const change of changes) (appliedSet.has(change) ? result.applied : result.rejected).push(change.taskId);
  return result;
}

/**
 * Splits a batch so no task appears twice in one round: a second change to the same task is
 * judged against the status the first one wrote, as if the calls had been made in order.
 */
function rounds(changes: readonly TaskTransition[]): TaskTransition[][] {
  const result: TaskTransition[][] = [];
  const roundOf = new Map<string, number>();
  for (const change of changes) {
    const index = (roundOf.get(change.taskId) ?? -1) + 1;
    roundOf.set(change.taskId, index);
    (result[index] ??= []).push(change);
  }
  return result;
}

async function lockAndFilter(trx: Transaction<Database>, chunk: readonly TaskTransition[]): Promise<TaskTransition[]> {
  const rows = await trx
    .selectFrom('task')
    .select(['task_id', 'status', 'worker_id'])
    .where('task_id', 'in', chunk.map((c) => c.taskId))
    .forUpdate()
    .execute();
  const current = new Map(rows.map((row) => [row.task_id, row]));
  const matched = chunk.filter((change) => {
    const row = current.get(change.taskId);
    return (
      row !== undefined &&
      row.status === change.from &&
      (change.expectedWorkerId === undefined || row.worker_id === change.expectedWorkerId)
    );
  });

  for (const group of groupBySameUpdate(matched)) {
    const first = group[0] as TaskTransition;
    await trx
      .updateTable('task')
      .set(updateOf(first))
      .where('task_id', 'in', group.map((c) => c.taskId))
      .where('status', '=', first.from)
      .execute();
  }
  return matched;
}

/** The columns a change writes: the new status, updated_at and every field present in the patch. */
function updateOf(change: TaskTransition): TaskUpdate {
  const { patch } = change;
  const update: TaskUpdate = { status: change.to, updated_at: change.at };
  if (patch.workerId !== undefined) update.worker_id = patch.workerId;
  if (patch.result !== undefined) update.result = patch.result === null ? null : toJsonText(patch.result);
  if (patch.errorMsg !== undefined) update.error_msg = patch.errorMsg;
  if (patch.retryCount !== undefined) update.retry_count = patch.retryCount;
  if (patch.maxRetry !== undefined) update.max_retry = patch.maxRetry;
  if (patch.scheduledAt !== undefined) update.scheduled_at = patch.scheduledAt;
  if (patch.startedAt !== undefined) update.started_at = patch.startedAt;
  if (patch.completedAt !== undefined) update.completed_at = patch.completedAt;
  // Back to PENDING, a new attempt starts from nothing: the old progress goes.
  if (change.to === 'PENDING') update.progress = null;
  return update;
}

/** Changes that would write identical SET clauses from the same `from` share one UPDATE. */
export function groupBySameUpdate(changes: readonly TaskTransition[]): TaskTransition[][] {
  const groups = new Map<string, TaskTransition[]>();
  for (const change of changes) {
    const key = JSON.stringify([change.from, updateOf(change)]);
    const group = groups.get(key);
    if (group) group.push(change);
    else groups.set(key, [change]);
  }
  return [...groups.values()];
}
