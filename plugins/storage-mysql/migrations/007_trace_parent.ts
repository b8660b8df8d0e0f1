import { sql, type Kysely } from 'kysely';

/**
 * 007: task.trace_parent, the W3C traceparent (`00-<32 hex>-<16 hex>-<2 hex>`, 55
 * characters) of the task's `task.create` span, written only while tracing is on
 * (docs/operations.md, "Tracing"); NULL otherwise. Added only when missing, so a database
 * built from a schema.sql that already has it is adopted unchanged.
 */
async function hasTraceParentColumn(db: Kysely<unknown>): Promise<boolean> {
  const { rows } = await sql<{ found: number }>`
    SELECT COUNT(*) AS found FROM information_schema.COLUMNS
    WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'task' AND COLUMN_NAME = 'trace_parent'`.execute(db);
  return Number(rows[0]?.found ?? 0) > 0;
}

export async function up(db: Kysely<unknown>): Promise<void> {
  if (await hasTraceParentColumn(db)) return;
  await sql`ALTER TABLE task ADD COLUMN trace_parent VARCHAR(55) CHARACTER SET ascii COLLATE ascii_bin NULL DEFAULT NULL`.execute(
    db,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  if (await hasTraceParentColumn(db)) await sql`ALTER TABLE task DROP COLUMN trace_parent`.execute(db);
}
