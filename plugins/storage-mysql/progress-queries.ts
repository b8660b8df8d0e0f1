import { sql, type Kysely } from 'kysely';
import type { ProgressUpdate } from '../../core/index.ts';
import { chunkForStatements } from './batching.ts';
import type { Database } from '../../lib/sql-storage/database.ts';
import { progressText } from '../../lib/sql-storage/row-mapping.ts';

/**
 * Writes progress for many tasks in one transaction per statement-sized chunk: lock the rows
 * whose attempt still runs (PROCESSING, same worker_id and started_at), then one UPDATE with
 * a CASE over their ids. updated_at is assigned to itself: progress has its own timestamp,
 * and the task's updated_at keeps meaning "last status change".
 */
export async function writeProgress(db: Kysely<Database>, updates: readonly ProgressUpdate[]): Promise<string[]> {
  const latest = new Map<string, ProgressUpdate>();
  for (const update of updates) latest.set(update.taskId, update);
  if (latest.size === 0) return [];
  const written: string[] = [];
  for (const chunk of chunkForStatements([...latest.values()], (u) => (u.message?.length ?? 0) + 128)) {
    await db.transaction().execute(async (trx) => {
      const rows = await trx
        .selectFrom('task')
        .select(['task_id', 'worker_id', 'started_at'])
        .where(
          'task_id',
          'in',
          chunk.map((u) => u.taskId),
        )
        .where('status', '=', 'PROCESSING')
        .forUpdate()
        .execute();
      const current = new Map(rows.map((row) => [row.task_id, row]));
      const matched = chunk.filter((u) => {
        const row = current.get(u.taskId);
        return row !== undefined && row.worker_id === u.workerId && row.started_at?.getTime() === u.startedAt.getTime();
      });
      if (matched.length === 0) return;
      const cases = sql.join(
        matched.map((u) => sql`WHEN ${u.taskId} THEN ${progressText(u.percent, u.message, u.at)}`),
        sql` `,
      );
      await trx
        .updateTable('task')
        .set({ progress: sql<string>`CASE task_id ${cases} END`, updated_at: sql<Date>`updated_at` })
        .where(
          'task_id',
          'in',
          matched.map((u) => u.taskId),
        )
        .execute();
      for (const u of matched) written.push(u.taskId);
    });
  }
  return written;
}
