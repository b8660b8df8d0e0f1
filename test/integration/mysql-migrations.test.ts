import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DependencyUnavailableError, TOKENS } from '../../core/index.ts';
import { mysqlStorage, runMigrations } from '../../plugins/storage-mysql/index.ts';
import { MIGRATION_NAMES } from '../../plugins/storage-mysql/migrations/index.ts';
import { createFakePluginContext } from '../helpers/fake-plugin-context.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/mysql-test-database.ts';
import { mysqlAvailability } from '../helpers/services.ts';

const mysql = await mysqlAvailability();
const TABLES = ['task', 'task_logs', 'task_config', 'worker_registry', 'task_schedule', 'task_dependency'];

/** Everything information_schema says about the tables, in a stable order. */
async function describeSchema(db: TestDatabase): Promise<Record<string, unknown[]>> {
  const query = async (text: string) => {
    const [rows] = await db.admin.query(text, [db.name, TABLES]);
    return rows as unknown[];
  };
  return {
    tables: await query(
      `SELECT TABLE_NAME, ENGINE, TABLE_COLLATION FROM information_schema.TABLES
       WHERE TABLE_SCHEMA = ? AND TABLE_NAME IN (?) ORDER BY TABLE_NAME`,
    ),
    columns: await query(
      `SELECT TABLE_NAME, COLUMN_NAME, ORDINAL_POSITION, COLUMN_TYPE, IS_NULLABLE, COLUMN_DEFAULT,
              CHARACTER_SET_NAME, COLLATION_NAME, EXTRA
       FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ? AND TABLE_NAME IN (?)
       ORDER BY TABLE_NAME, ORDINAL_POSITION`,
    ),
    indexes: await query(
      `SELECT TABLE_NAME, INDEX_NAME, NON_UNIQUE, SEQ_IN_INDEX, COLUMN_NAME
       FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = ? AND TABLE_NAME IN (?)
       ORDER BY TABLE_NAME, INDEX_NAME, SEQ_IN_INDEX`,
    ),
  };
}

describe.skipIf(!mysql.available)('storage-mysql migrations', () => {
  let migrated: TestDatabase;
  let byHand: TestDatabase;

  beforeAll(async () => {
    migrated = await createTestDatabase('migrations');
    byHand = await createTestDatabase('schema_sql');
  });

  afterAll(async () => {
    await migrated?.drop();
    await byHand?.drop();
  });

  it('applies every migration once, in order; a second run does nothing', async () => {
    expect(MIGRATION_NAMES[0]).toBe('001_initial');
    expect(await runMigrations(migrated.url)).toEqual({ applied: MIGRATION_NAMES });
    expect(await runMigrations(migrated.url)).toEqual({ applied: [] });
    const [rows] = await migrated.admin.query(`SELECT name FROM \`${migrated.name}\`.schema_migrations ORDER BY name`);
    expect(rows).toEqual(MIGRATION_NAMES.map((name) => ({ name })));
  });

  it('gives the same tables, columns and indexes as schema.sql applied by hand', async () => {
    const ddl = await readFile(new URL('../../schema.sql', import.meta.url), 'utf8');
    await byHand.admin.query(`USE \`${byHand.name}\`; ${ddl}`);

    const fromMigrations = await describeSchema(migrated);
    const fromSchemaSql = await describeSchema(byHand);
    expect(fromMigrations.tables).toHaveLength(TABLES.length);
    expect(fromMigrations.columns?.length).toBeGreaterThan(40);
    expect(fromMigrations.indexes?.length).toBeGreaterThan(20);
    expect(fromMigrations).toEqual(fromSchemaSql);
  });

  it('adopts a database built from schema.sql without changing it', async () => {
    const before = await describeSchema(byHand);
    expect(await runMigrations(byHand.url)).toEqual({ applied: MIGRATION_NAMES });
    expect(await runMigrations(byHand.url)).toEqual({ applied: [] });
    expect(await describeSchema(byHand)).toEqual(before);
  });

  it('upgrades a database migrated up to 002, keeping its rows (progress and trace_parent NULL) and ending like a fresh one', async () => {
    const old = await createTestDatabase('migrations_upgrade');
    try {
      await runMigrations(old.url);
      // Back to the schema as 002 left it (003 added progress, 004 reshaped the status indexes, 005 added
      // schedules and task types' switches, 007 added trace_parent), with one task in it.
      await old.admin.query(`USE \`${old.name}\`; ALTER TABLE task DROP COLUMN progress, DROP COLUMN trace_parent; DROP TABLE task_schedule;
        ALTER TABLE task_config DROP COLUMN paused, DROP COLUMN rate_limit_max, DROP COLUMN rate_limit_per_ms;
        ALTER TABLE task DROP KEY idx_completed_at, DROP KEY idx_status_priority, ADD KEY idx_status_priority (status, priority),
          ADD KEY idx_status_started (status, started_at), ADD KEY idx_status_type (status, task_type), ADD KEY idx_status_completed (status, completed_at);
        DELETE FROM schema_migrations WHERE name IN ('003_task_progress', '004_lighter_status_indexes', '005_task_schedules', '007_trace_parent');
        INSERT INTO task (task_id, task_type, payload, scheduled_at) VALUES ('kept', 't', '{}', NOW(3));`);
      expect(await runMigrations(old.url)).toEqual({
        applied: ['003_task_progress', '004_lighter_status_indexes', '005_task_schedules', '007_trace_parent'],
      });
      const [rows] = await old.admin.query(`SELECT task_id, progress, trace_parent FROM \`${old.name}\`.task`);
      expect(rows).toEqual([{ task_id: 'kept', progress: null, trace_parent: null }]);
      expect(await describeSchema(old)).toEqual(await describeSchema(migrated));
    } finally {
      await old.drop();
    }
  });

  it('the plugin migrates (creating a missing database), then starts and stops', async () => {
    const name = `${migrated.name}_plugin`.slice(0, 64);
    const url = migrated.url.replace(`/${migrated.name}`, `/${name}`);
    const ctx = createFakePluginContext({ mysql: { url } });
    const plugin = mysqlStorage({ poolSize: 2 });
    try {
      plugin.setup?.(ctx);
      await plugin.migrate?.(ctx);
      await plugin.migrate?.(ctx);
      expect(ctx.logLines).toContainEqual([{ applied: [] }, 'mysql schema already up to date']);

      await plugin.start?.(ctx);
      const storage = ctx.resolve(TOKENS.Storage);
      await expect(storage.ping()).resolves.toBeUndefined();
      expect((await storage.countByStatus()).PENDING).toBe(0);
      await plugin.stop?.(ctx);
      await expect(storage.ping()).rejects.toThrow(/not started/);
    } finally {
      await migrated.admin.query(`DROP DATABASE IF EXISTS \`${name}\``);
    }
  });

  it('start fails with a clear 50301 when the schema is missing or the server is unreachable', async () => {
    const missingSchema = mysqlStorage({ url: migrated.url.replace(`/${migrated.name}`, '/tm_test_never_created') });
    const ctx = createFakePluginContext();
    missingSchema.setup?.(ctx);
    const error = await Promise.resolve(missingSchema.start?.(ctx)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DependencyUnavailableError);
    expect((error as Error).message).toMatch(/tm_test_never_created.*taskmanager migrate/);

    // Port 1 on localhost refuses connections at once.
    const unreachable = mysqlStorage({ url: 'mysql://root@127.0.0.1:1/task_manager', connectTimeout: '2s' });
    const ctx2 = createFakePluginContext();
    unreachable.setup?.(ctx2);
    const refused = await Promise.resolve(unreachable.start?.(ctx2)).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(DependencyUnavailableError);
    expect(refused).toMatchObject({ code: 50301 });
    expect((refused as Error).message).toMatch(
      /mysql is unavailable at root@127\.0\.0\.1:1\/task_manager: .*ECONNREFUSED/,
    );
  });
});
