import { sql, type Kysely, type Transaction } from 'kysely';
import {
  dependencyCancelLog,
  edgeOutcome,
  type CreateTaskResult,
  type DependencyEdgeState,
  type DependencySettlement,
  type NewTask,
  type TaskStatus,
} from '../../core/index.ts';
import type { Database } from '../../lib/sql-storage/database.ts';
import { createdTask, toJsonText } from '../../lib/sql-storage/row-mapping.ts';
import { chunkForStatements } from '../../lib/sql-storage/statement-chunks.ts';
import { retryTransaction } from '../../lib/sql-storage/transaction-retry.ts';
import { isRetryableConflict } from './errors.ts';
import { insertLogRows } from './log-queries.ts';
import { getTasks, insertChunk } from './task-queries.ts';

/** task_dependency (migration 002): one row per edge "task_id waits for depends_on". */
interface TaskDependencyTable {
  task_id: string;
  depends_on: string;
  position: number;
  state: DependencyEdgeState;
}

type DependencyDatabase = Database & { task_dependency: TaskDependencyTable };
type Db = Kysely<DependencyDatabase>;
type Trx = Transaction<DependencyDatabase>;

const withEdges = (db: Kysely<Database>): Db => db.withTables<{ task_dependency: TaskDependencyTable }>();

/**
 * Tasks and their dependency edges in ONE transaction (the path of a batch in which some task
 * has `dependsOn`; every other batch is createTasks' single statement): the same idempotent
 * INSERT … ON CONFLICT DO NOTHING of the tasks and their logs, then one read of which
 * dependencies are already SUCCESS (a dependency may be an earlier task of the same batch,
 * inserted just above) and one multi-row INSERT of the edges, MET or WAITING. No lock is taken
 * on the dependencies: a dependency that ends while this commits is settled by the caller right
 * after (core/services/dependencies), whose read follows this commit.
 */
export async function createTasksWithDependencies(
  database: Kysely<Database>,
  tasks: readonly NewTask[],
): Promise<CreateTaskResult[]> {
  const db = withEdges(database);
  const unique = new Map<string, NewTask>();
  for (const task of tasks) if (!unique.has(task.taskId)) unique.set(task.taskId, task);

  const outcome = await retryTransaction(
    () =>
      db.transaction().execute(async (trx) => {
        const byId = new Map<string, CreateTaskResult>();
        for (const chunk of chunkForStatements([...unique.values()], (t) => toJsonText(t.payload).length + 256)) {
          const inserted = await insertChunk(trx as unknown as Transaction<Database>, chunk);
          for (const task of chunk)
            if (inserted.has(task.taskId)) byId.set(task.taskId, { task: createdTask(task), created: true });
          const existing = chunk.filter((t) => !inserted.has(t.taskId)).map((t) => t.taskId);
          for (const task of await getTasks(trx as unknown as Transaction<Database>, existing))
            byId.set(task.taskId, { task, created: false });
        }
        const dependents = [...unique.values()].filter((t) => byId.get(t.taskId)?.created && t.dependsOn?.length);
        const succeeded = await successful(trx, [...new Set(dependents.flatMap((t) => t.dependsOn ?? []))]);
        const edges: TaskDependencyTable[] = [];
        for (const task of dependents) {
          let waiting = false;
          for (const [position, dependsOn] of [...new Set(task.dependsOn)].entries()) {
            const state = succeeded.has(dependsOn) ? 'MET' : 'WAITING';
            waiting ||= state === 'WAITING';
            edges.push({ task_id: task.taskId, depends_on: dependsOn, position, state });
          }
          if (waiting) byId.set(task.taskId, { ...(byId.get(task.taskId) as CreateTaskResult), waiting: true });
        }
        for (const chunk of chunkForStatements(edges)) await trx.insertInto('task_dependency').values(chunk).execute();
        return byId;
      }),
    isRetryableConflict,
  );

  const reported = new Set<string>();
  return tasks.map((task) => {
    const result = outcome.get(task.taskId) as CreateTaskResult;
    if (reported.has(task.taskId)) return { task: structuredClone(result.task), created: false };
    reported.add(task.taskId);
    return result;
  });
}

async function successful(trx: Trx, taskIds: readonly string[]): Promise<Set<string>> {
  const found = new Set<string>();
  for (const chunk of chunkForStatements(taskIds)) {
    const rows = await trx
      .selectFrom('task')
      .select('task_id')
      .where('task_id', '=', sql<string>`ANY(${chunk}::text[])`)
      .where('status', '=', 'SUCCESS')
      .execute();
    for (const row of rows) found.add(row.task_id);
  }
  return found;
}

export async function getDependencies(
  database: Kysely<Database>,
  taskIds: readonly string[],
): Promise<Map<string, string[]>> {
  const found = new Map<string, string[]>();
  for (const chunk of chunkForStatements([...new Set(taskIds)])) {
    const rows = await withEdges(database)
      .selectFrom('task_dependency')
      .select(['task_id', 'depends_on'])
      .where('task_id', '=', sql<string>`ANY(${chunk}::text[])`)
      .orderBy('task_id')
      .orderBy('position')
      .execute();
    for (const row of rows) {
      const list = found.get(row.task_id);
      if (list) list.push(row.depends_on);
      else found.set(row.task_id, [row.depends_on]);
    }
  }
  return found;
}

/** One read of the partial index of WAITING edges per chunk (one read per batch of outcomes). */
export async function filterDependedOn(database: Kysely<Database>, taskIds: readonly string[]): Promise<string[]> {
  const found: string[] = [];
  for (const chunk of chunkForStatements([...new Set(taskIds)])) {
    const rows = await withEdges(database)
      .selectFrom('task_dependency')
      .select('depends_on')
      .distinct()
      .where('depends_on', '=', sql<string>`ANY(${chunk}::text[])`)
      .where('state', '=', 'WAITING')
      .execute();
    for (const row of rows) found.push(row.depends_on);
  }
  return found;
}

/**
 * One transaction (see DependencyStore#settleDependencies): the dependencies' statuses read
 * FOR SHARE (the latest committed, and no retry of them can slip in before commit), their
 * WAITING edges flipped to MET or BROKEN by one UPDATE … RETURNING, the freed dependents
 * found, and the PENDING dependents of broken edges cancelled under the usual guard, with their log rows.
 */
export async function settleDependencies(
  database: Kysely<Database>,
  dependencyIds: readonly string[],
  at: Date,
): Promise<DependencySettlement> {
  const db = withEdges(database);
  const ids = [...new Set(dependencyIds)];
  if (ids.length === 0) return { ready: [], cancelled: [] };
  return retryTransaction(
    () =>
      db.transaction().execute(async (trx) => {
        const settled: DependencySettlement = { ready: [], cancelled: [] };
        for (const chunk of chunkForStatements(ids)) {
          const outcome = await outcomes(trx, chunk);
          if (outcome.size === 0) continue;
          const met = [...outcome].filter(([, o]) => o.state === 'MET').map(([id]) => id);
          const broken = [...outcome].filter(([, o]) => o.state === 'BROKEN').map(([id]) => id);
          const { rows: edges } = await sql<{ task_id: string; depends_on: string; state: 'MET' | 'BROKEN' }>`
            UPDATE task_dependency
            SET state = CASE WHEN depends_on = ANY(${met}::text[]) THEN 'MET' ELSE 'BROKEN' END
            WHERE depends_on = ANY(${[...met, ...broken]}::text[]) AND state = 'WAITING'
            RETURNING task_id, depends_on, state`.execute(trx);
          if (edges.length === 0) continue;
          edges.sort((a, b) =>
            a.depends_on === b.depends_on ? cmp(a.task_id, b.task_id) : cmp(a.depends_on, b.depends_on),
          );
          const freed = edges.filter((e) => e.state === 'MET').map((e) => e.task_id);
          settled.ready.push(...(await readyAmong(trx, [...new Set(freed)])));
          const causes = new Map<string, { dependencyId: string; status: TaskStatus }>();
          for (const edge of edges) {
            const o = outcome.get(edge.depends_on);
            if (edge.state === 'BROKEN' && o && !causes.has(edge.task_id))
              causes.set(edge.task_id, { dependencyId: edge.depends_on, status: o.status });
          }
          settled.cancelled.push(...(await cancelDependents(trx, causes, at)));
        }
        return settled;
      }),
    isRetryableConflict,
  );
}

const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** The dependencies among `ids` that have ended for good, and how (read FOR SHARE). */
async function outcomes(
  trx: Trx,
  ids: readonly string[],
): Promise<Map<string, { state: 'MET' | 'BROKEN'; status: TaskStatus }>> {
  const rows = await trx
    .selectFrom('task')
    .select(['task_id', 'status', 'retry_count', 'max_retry'])
    .where('task_id', '=', sql<string>`ANY(${[...ids]}::text[])`)
    .orderBy('task_id')
    .forShare()
    .execute();
  const result = new Map<string, { state: 'MET' | 'BROKEN'; status: TaskStatus }>();
  for (const row of rows) {
    const status = row.status as TaskStatus;
    const state = edgeOutcome({ status, retryCount: row.retry_count, maxRetry: row.max_retry });
    if (state) result.set(row.task_id, { state, status });
  }
  return result;
}

/** Among freed dependents, the PENDING ones with no edge other than MET left: one statement. */
async function readyAmong(trx: Trx, dependents: readonly string[]): Promise<string[]> {
  if (dependents.length === 0) return [];
  const { rows } = await sql<{ task_id: string }>`
    SELECT t.task_id FROM task t
    WHERE t.task_id = ANY(${[...dependents]}::text[]) AND t.status = 'PENDING'
      AND NOT EXISTS (SELECT 1 FROM task_dependency d WHERE d.task_id = t.task_id AND d.state <> 'MET')`.execute(trx);
  const ready = new Set(rows.map((row) => row.task_id));
  return dependents.filter((id) => ready.has(id));
}

/** PENDING → CANCELLED for dependents of broken edges: one guarded UPDATE … RETURNING, then their logs. */
async function cancelDependents(
  trx: Trx,
  causes: ReadonlyMap<string, { dependencyId: string; status: TaskStatus }>,
  at: Date,
): Promise<DependencySettlement['cancelled']> {
  if (causes.size === 0) return [];
  const { rows } = await sql<{ task_id: string; task_type: string; retry_count: number }>`
    UPDATE task SET status = 'CANCELLED', completed_at = ${at}, updated_at = ${at}
    WHERE task_id = ANY(${[...causes.keys()]}::text[]) AND status = 'PENDING'
    RETURNING task_id, task_type, retry_count`.execute(trx);
  if (rows.length === 0) return [];
  rows.sort((a, b) => cmp(a.task_id, b.task_id));
  await insertLogRows(
    trx as unknown as Transaction<Database>,
    rows.map((row) => {
      const cause = causes.get(row.task_id)!;
      return dependencyCancelLog(
        { taskId: row.task_id, retryCount: row.retry_count },
        cause.dependencyId,
        cause.status,
        at,
      );
    }),
  );
  return rows.map((row) => ({ taskId: row.task_id, taskType: row.task_type, ...causes.get(row.task_id)! }));
}

/**
 * Dependencies that ended for good with an edge still WAITING: the partial index of WAITING
 * edges (as many as tasks wait, not as many as ever existed), joined to their dependency's row.
 */
export async function findUnsettledDependencies(database: Kysely<Database>, limit: number): Promise<string[]> {
  const rows = await withEdges(database)
    .selectFrom('task_dependency as d')
    .innerJoin('task as t', 't.task_id', 'd.depends_on')
    .select('d.depends_on')
    .distinct()
    .where('d.state', '=', 'WAITING')
    .where((eb) =>
      eb.or([
        eb('t.status', 'in', ['SUCCESS', 'CANCELLED']),
        eb.and([eb('t.status', 'in', ['FAILED', 'TIMEOUT']), eb('t.retry_count', '>=', eb.ref('t.max_retry'))]),
      ]),
    )
    .limit(limit)
    .execute();
  return rows.map((row) => row.depends_on);
}

/** findDuePending's extra condition: the task has no edge other than MET (the edge table's primary key). */
export const waitsOnNothing = sql<boolean>`NOT EXISTS (
  SELECT 1 FROM task_dependency d WHERE d.task_id = task.task_id AND d.state <> 'MET')`;
