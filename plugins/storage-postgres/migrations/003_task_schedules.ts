import { sql, type Kysely } from 'kysely';

/**
 * 003: cron schedules (the `task_schedule` table) and the operator's switches on task types
 * (`paused`, `rate_limit_max`, `rate_limit_per_ms` on task_config: apart from the columns the
 * config sync upserts, so a restart keeps a pause). The MySQL schema's 005.
 */
const STATEMENTS = [
  sql`
CREATE TABLE IF NOT EXISTS task_schedule (
  schedule_id   VARCHAR(39) COLLATE "C" NOT NULL PRIMARY KEY,
  cron          VARCHAR(255) NOT NULL,
  timezone      VARCHAR(64) NOT NULL,
  task          JSONB NOT NULL,
  enabled       BOOLEAN NOT NULL DEFAULT TRUE,
  next_run_at   TIMESTAMPTZ(3) NULL,
  last_run_at   TIMESTAMPTZ(3) NULL,
  created_at    TIMESTAMPTZ(3) NOT NULL,
  updated_at    TIMESTAMPTZ(3) NOT NULL
)`,
  // findDueSchedules / findNextRunAt: the enabled schedules by next run.
  sql`CREATE INDEX IF NOT EXISTS task_schedule_next_run_idx ON task_schedule (next_run_at, schedule_id) WHERE enabled`,
  sql`ALTER TABLE task_config ADD COLUMN IF NOT EXISTS paused BOOLEAN NOT NULL DEFAULT FALSE`,
  sql`ALTER TABLE task_config ADD COLUMN IF NOT EXISTS rate_limit_max INT NULL`,
  sql`ALTER TABLE task_config ADD COLUMN IF NOT EXISTS rate_limit_per_ms INT NULL`,
];

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const statement of STATEMENTS) await statement.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP TABLE IF EXISTS task_schedule`.execute(db);
  await sql`ALTER TABLE task_config DROP COLUMN IF EXISTS paused, DROP COLUMN IF EXISTS rate_limit_max,
    DROP COLUMN IF EXISTS rate_limit_per_ms`.execute(db);
}
