import { sql, type Kysely } from 'kysely';

/**
 * 004: fewer indexes that contain `status`, because every status change rewrites an entry in
 * each of them (measured: about a third of the cost of each transition). The queries they
 * served read only the in-flight PROCESSING rows, which idx_status_priority reaches as well:
 *  - findTimedOut and countProcessingByType: idx_status_priority, now (status, priority,
 *    task_type) so the per-type count stays covered (task_type never changes, so it costs no
 *    extra write); idx_status_started and idx_status_type go;
 *  - retention: idx_completed_at (completed_at) replaces idx_status_completed, and is not
 *    touched when a task is assigned.
 * Mirrored in schema.sql; skipped when the indexes already look like this (a database built
 * from schema.sql).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  const { rows } = await sql<{ name: string }>`
    SELECT DISTINCT index_name AS name FROM information_schema.statistics
    WHERE table_schema = DATABASE() AND table_name = 'task'`.execute(db);
  const present = new Set(rows.map((row) => row.name));
  const changes: string[] = [];
  if (present.has('idx_status_started')) changes.push('DROP KEY idx_status_started');
  if (present.has('idx_status_type')) changes.push('DROP KEY idx_status_type');
  if (present.has('idx_status_completed')) changes.push('DROP KEY idx_status_completed');
  if (!present.has('idx_completed_at')) changes.push('ADD KEY idx_completed_at (completed_at)');
  const { rows: columns } = await sql<{ n: number }>`
    SELECT COUNT(*) AS n FROM information_schema.statistics
    WHERE table_schema = DATABASE() AND table_name = 'task' AND index_name = 'idx_status_priority'`.execute(db);
  if (Number(columns[0]?.n ?? 0) !== 3) {
    changes.push('DROP KEY idx_status_priority', 'ADD KEY idx_status_priority (status, priority, task_type)');
  }
  if (changes.length > 0) await sql.raw(`ALTER TABLE task ${changes.join(', ')}`).execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE task
    DROP KEY idx_completed_at,
    DROP KEY idx_status_priority,
    ADD KEY idx_status_priority (status, priority),
    ADD KEY idx_status_started (status, started_at),
    ADD KEY idx_status_type (status, task_type),
    ADD KEY idx_status_completed (status, completed_at)`.execute(db);
}
