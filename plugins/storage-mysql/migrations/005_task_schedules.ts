import { sql, type Kysely } from 'kysely';

/**
 * 005: cron schedules (the `task_schedule` table) and the operator's switches on task types
 * (`paused`, `rate_limit_max`, `rate_limit_per_ms` on task_config: apart from the columns the
 * config sync upserts, so a restart keeps a pause). Mirrored in schema.sql; each step is
 * skipped when already there (a database built from schema.sql).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`CREATE TABLE IF NOT EXISTS task_schedule (
    schedule_id   VARCHAR(39) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
    cron          VARCHAR(255) NOT NULL,
    timezone      VARCHAR(64) NOT NULL,
    task          JSON NOT NULL,
    enabled       BOOLEAN NOT NULL DEFAULT TRUE,
    next_run_at   DATETIME(3) NULL DEFAULT NULL,
    last_run_at   DATETIME(3) NULL DEFAULT NULL,
    created_at    DATETIME(3) NOT NULL,
    updated_at    DATETIME(3) NOT NULL,
    PRIMARY KEY (schedule_id),
    KEY idx_enabled_next_run (enabled, next_run_at)
  ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`.execute(db);
  const { rows } = await sql<{ name: string }>`
    SELECT column_name AS name FROM information_schema.columns
    WHERE table_schema = DATABASE() AND table_name = 'task_config'`.execute(db);
  const present = new Set(rows.map((row) => row.name.toLowerCase()));
  const changes: string[] = [];
  if (!present.has('paused')) changes.push('ADD COLUMN paused BOOLEAN NOT NULL DEFAULT FALSE');
  if (!present.has('rate_limit_max')) changes.push('ADD COLUMN rate_limit_max INT NULL DEFAULT NULL');
  if (!present.has('rate_limit_per_ms')) changes.push('ADD COLUMN rate_limit_per_ms INT NULL DEFAULT NULL');
  if (changes.length > 0) await sql.raw(`ALTER TABLE task_config ${changes.join(', ')}`).execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP TABLE IF EXISTS task_schedule`.execute(db);
  await sql`ALTER TABLE task_config DROP COLUMN paused, DROP COLUMN rate_limit_max, DROP COLUMN rate_limit_per_ms`.execute(
    db,
  );
}
