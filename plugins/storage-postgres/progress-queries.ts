import { sql, type Kysely } from 'kysely';
import type { ProgressUpdate } from '../../core/index.ts';
import type { Database } from '../../lib/sql-storage/database.ts';
import { chunkForStatements } from '../../lib/sql-storage/statement-chunks.ts';
import { encodeJsonText } from './nul-escape.ts';

/**
 * Writes progress for many tasks with one UPDATE per 1000 (joined to a jsonb document),
 * guarded row by row on the attempt (PROCESSING, same worker_id and started_at), RETURNING
 * the ids written. updated_at is left alone: progress has its own timestamp, and the task's
 * updated_at keeps meaning "last status change".
 */
export async function writeProgress(db: Kysely<Database>, updates: readonly ProgressUpdate[]): Promise<string[]> {
  const latest = new Map<string, ProgressUpdate>();
  for (const update of updates) latest.set(update.taskId, update);
  if (latest.size === 0) return [];
  const written: string[] = [];
  for (const chunk of chunkForStatements([...latest.values()], (u) => (u.message?.length ?? 0) + 128)) {
    const document = encodeJsonText(
      JSON.stringify(
        chunk.map((u) => ({
          id: u.taskId,
          w: u.workerId,
          s: u.startedAt.toISOString(),
          // The shape row-mapping.ts's progressFromText reads (and progressText writes).
          p: { percent: u.percent, message: u.message, updated_at: u.at.toISOString() },
        })),
      ),
    );
    const { rows } = await sql<{ task_id: string }>`
      UPDATE task SET progress = v.p
      FROM jsonb_to_recordset(${document}::jsonb) AS v(id text, w text, s timestamptz, p jsonb)
      WHERE task.task_id = ANY(${chunk.map((u) => u.taskId)}::text[])
        AND task.task_id = v.id AND task.status = 'PROCESSING' AND task.worker_id = v.w AND task.started_at = v.s
      RETURNING task.task_id`.execute(db);
    for (const row of rows) written.push(row.task_id);
  }
  return written;
}
