import { sql, type Kysely } from 'kysely';

/**
 * 002: an index for retention, which deletes the oldest finished tasks of a status
 * (WHERE status IN (…) AND completed_at < ? ORDER BY completed_at). Mirrored in schema.sql;
 * skipped when the index is already there, or its successor from migration 004 (a database
 * built from schema.sql).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  const { rows } = await sql<{ n: number }>`
    SELECT COUNT(*) AS n FROM information_schema.statistics
    WHERE table_schema = DATABASE() AND table_name = 'task'
      AND index_name IN ('idx_status_completed', 'idx_completed_at')`.execute(db);
  if (Number(rows[0]?.n ?? 0) > 0) return;
  await sql`ALTER TABLE task ADD KEY idx_status_completed (status, completed_at)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE task DROP KEY idx_status_completed`.execute(db);
}
