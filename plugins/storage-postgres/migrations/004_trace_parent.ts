import { sql, type Kysely } from 'kysely';

/**
 * 004: task.trace_parent, the W3C traceparent (`00-<32 hex>-<16 hex>-<2 hex>`, 55 characters)
 * of the task's `task.create` span, written only while tracing is on; NULL otherwise. The MySQL
 * schema's 007. Adding a NULL column with no default rewrites nothing.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE task ADD COLUMN IF NOT EXISTS trace_parent VARCHAR(55) COLLATE "C" NULL`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE task DROP COLUMN IF EXISTS trace_parent`.execute(db);
}
