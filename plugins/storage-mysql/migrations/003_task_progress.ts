import { sql, type Kysely } from 'kysely';

/**
 * 003: task.progress, the running attempt's last reported progress as JSON
 * `{"percent": 40, "message": "…", "updated_at": "…"}` (NULL when none). Added only when
 * missing, so a database built from a schema.sql that already has it is adopted unchanged
 * (MySQL 8 has no ADD COLUMN IF NOT EXISTS).
 */
async function hasProgressColumn(db: Kysely<unknown>): Promise<boolean> {
  const { rows } = await sql<{ found: number }>`
    SELECT COUNT(*) AS found FROM information_schema.COLUMNS
    WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'task' AND COLUMN_NAME = 'progress'`.execute(db);
  return Number(rows[0]?.found ?? 0) > 0;
}

export async function up(db: Kysely<unknown>): Promise<void> {
  if (await hasProgressColumn(db)) return;
  await sql`ALTER TABLE task ADD COLUMN progress JSON NULL DEFAULT NULL`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  if (await hasProgressColumn(db)) await sql`ALTER TABLE task DROP COLUMN progress`.execute(db);
}
