import { sql, type Kysely, type Transaction } from 'kysely';
import {
  creationLogs,
  dependencyCancelLog,
  edgeOutcome,
  type CreateTaskResult,
  type DependencyEdgeState,
  type DependencySettlement,
  type NewTask,
  type Task,
  type TaskStatus,
} from '../../core/index.ts';
import { chunkForStatements, retryTransaction } from './batching.ts';
import type { Database } from './database.ts';
import { insertLogRows } from './log-queries.ts';
import { createdTask, newTaskRow, taskFromRow, toJsonText } from './row-mapping.ts';

/** task_dependency (migration 006): one row per edge "task_id waits for depends_on". */
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
 * has `dependsOn`; every other batch goes through task-queries.ts#createTasks unchanged):
 * the same idempotent insert as createTasks, then one read of which dependencies are already
 * SUCCESS (a dependency may be an earlier task of the same batch, inserted just above) and one
 * multi-row INSERT of the edges, MET or WAITING. No lock is taken on the dependencies: a
 * dependency that ends while this commits is settled by the caller right after
 * (core/services/dependencies), whose read follows this commit.
 */
export async function createTasksWithDependencies(
  database: Kysely<Database>,
  tasks: readonly NewTask[],
): Promise<CreateTaskResult[]> {
  const db = withEdges(database);
  const unique = new Map<string, NewTask>();
  for (const task of tasks) if (!unique.has(task.taskId)) unique.set(task.taskId, task);

  const outcome = await retryTransaction(() =>
    db.transaction().execute(async (trx) => {
      const byId = new Map<string, CreateTaskResult>();
      for (const chunk of chunkForStatements([...unique.values()], (t) => toJsonText(t.payload).length + 256)) {
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
      .where('task_id', 'in', chunk)
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
      .where('task_id', 'in', chunk)
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

/** One read of idx_depends_on_state per chunk (a chunk is 1 000 ids: one read per batch of outcomes). */
export async function filterDependedOn(database: Kysely<Database>, taskIds: readonly string[]): Promise<string[]> {
  const found: string[] = [];
  for (const chunk of chunkForStatements([...new Set(taskIds)])) {
    const rows = await withEdges(database)
      .selectFrom('task_dependency')
      .select('depends_on')
      .distinct()
      .where('depends_on', 'in', chunk)
      .where('state', '=', 'WAITING')
      .execute();
    for (const row of rows) found.push(row.depends_on);
  }
  return found;
}

/**
 * One transaction (see DependencyStore#settleDependencies): the dependencies' statuses read
 * with a shared lock (the latest committed, and no retry of them can slip in before commit),
 * their WAITING edges locked and flipped to MET or BROKEN, the freed dependents found, and the
 * PENDING dependents of broken edges cancelled under the usual guard, with their log rows.
 */
export async function settleDependencies(
  database: Kysely<Database>,
  dependencyIds: readonly string[],
  at: Date,
): Promise<DependencySettlement> {
  const db = withEdges(database);
  const ids = [...new Set(dependencyIds)];
  if (ids.length === 0) return { ready: [], cancelled: [] };
  return retryTransaction(() =>
    db.transaction().execute(async (trx) => {
      const settled: DependencySettlement = { ready: [], cancelled: [] };
      for (const chunk of chunkForStatements(ids, () => 0)) {
        const outcome = await outcomes(trx, chunk);
        if (outcome.size === 0) continue;
        const edges = await trx
          .selectFrom('task_dependency')
          .select(['task_id', 'depends_on'])
          .where('depends_on', 'in', [...outcome.keys()])
          .where('state', '=', 'WAITING')
          .orderBy('depends_on')
          .orderBy('task_id')
          .forUpdate()
          .execute();
        if (edges.length === 0) continue;
        for (const state of ['MET', 'BROKEN'] as const) {
          const on = [...outcome].filter(([, o]) => o.state === state).map(([id]) => id);
          if (on.length === 0) continue;
          await trx
            .updateTable('task_dependency')
            .set({ state })
            .where('depends_on', 'in', on)
            .where('state', '=', 'WAITING')
            .execute();
        }
        const freed = edges.filter((e) => outcome.get(e.depends_on)?.state === 'MET').map((e) => e.task_id);
        settled.ready.push(...(await readyAmong(trx, [...new Set(freed)])));
        const broken = new Map<string, { dependencyId: string; status: TaskStatus }>();
        for (const edge of edges) {
          const o = outcome.get(edge.depends_on);
          if (o?.state === 'BROKEN' && !broken.has(edge.task_id))
            broken.set(edge.task_id, { dependencyId: edge.depends_on, status: o.status });
        }
        settled.cancelled.push(...(await cancelDependents(trx, broken, at)));
      }
      return settled;
    }),
  );
}

/** The dependencies among `ids` that have ended for good, and how (read under a shared lock). */
async function outcomes(
  trx: Trx,
  ids: readonly string[],
): Promise<Map<string, { state: 'MET' | 'BROKEN'; status: TaskStatus }>> {
  const rows = await trx
    .selectFrom('task')
    .select(['task_id', 'status', 'retry_count', 'max_retry'])
    .where('task_id', 'in', ids)
    .orderBy('task_id')
    .modifyEnd(sql`LOCK IN SHARE MODE`)
    .execute();
  const result = new Map<string, { state: 'MET' | 'BROKEN'; status: TaskStatus }>();
  for (const row of rows) {
    const status = row.status as TaskStatus;
    const state = edgeOutcome({ status, retryCount: row.retry_count, maxRetry: row.max_retry });
    if (state) result.set(row.task_id, { state, status });
  }
  return result;
}

/** Among freed dependents, the PENDING ones with no edge other than MET left. */
async function readyAmong(trx: Trx, dependents: readonly string[]): Promise<string[]> {
  if (dependents.length === 0) return [];
  const blocked = await trx
    .selectFrom('task_dependency')
    .select('task_id')
    .distinct()
    .where('task_id', 'in', dependents)
    .where('state', '!=', 'MET')
    .execute();
  const stillWaiting = new Set(blocked.map((row) => row.task_id));
  const candidates = dependents.filter((id) => !stillWaiting.has(id));
  if (candidates.length === 0) return [];
  const pending = await trx
    .selectFrom('task')
    .select('task_id')
    .where('task_id', 'in', candidates)
    .where('status', '=', 'PENDING')
    .execute();
  return pending.map((row) => row.task_id);
}

/** PENDING → CANCELLED for dependents of broken edges: rows locked, guard re-checked, logs written. */
async function cancelDependents(
  trx: Trx,
  broken: ReadonlyMap<string, { dependencyId: string; status: TaskStatus }>,
  at: Date,
): Promise<DependencySettlement['cancelled']> {
  if (broken.size === 0) return [];
  const rows = await trx
    .selectFrom('task')
    .selectAll()
    .where('task_id', 'in', [...broken.keys()])
    .where('status', '=', 'PENDING')
    .orderBy('task_id')
    .forUpdate()
    .execute();
  if (rows.length === 0) return [];
  const tasks: Task[] = rows.map(taskFromRow);
  await trx
    .updateTable('task')
    .set({ status: 'CANCELLED', completed_at: at, updated_at: at })
    .where(
      'task_id',
      'in',
      tasks.map((t) => t.taskId),
    )
    .where('status', '=', 'PENDING')
    .execute();
  await insertLogRows(
    trx,
    tasks.map((task) => {
      const cause = broken.get(task.taskId)!;
      return dependencyCancelLog(task, cause.dependencyId, cause.status, at);
    }),
  );
  return tasks.map((task) => ({ taskId: task.taskId, taskType: task.taskType, ...broken.get(task.taskId)! }));
}

/**
 * Dependencies that ended for good with an edge still WAITING: idx_state reaches the WAITING
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

/**
 * findDuePending's extra condition: the task has no edge other than MET. A correlated lookup on
 * the primary key of task_dependency, on the leader's reconciliation scan only.
 */
export const waitsOnNothing = sql<boolean>`NOT EXISTS (
  SELECT 1 FROM task_dependency d WHERE d.task_id = task.task_id AND d.state <> 'MET')`;

/** Retention: the edges of deleted dependents go with them. */
export async function deleteEdgesOf(trx: Transaction<Database>, taskIds: readonly string[]): Promise<void> {
  if (taskIds.length === 0) return;
  await trx
    .withTables<{ task_dependency: TaskDependencyTable }>()
    .deleteFrom('task_dependency')
    .where('task_id', 'in', taskIds)
    .execute();
}
