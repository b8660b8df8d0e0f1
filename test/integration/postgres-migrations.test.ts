import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DependencyUnavailableError, TOKENS } from '../../core/index.ts';
import { postgresStorage, runMigrations } from '../../plugins/storage-postgres/index.ts';
import { MIGRATION_NAMES } from '../../plugins/storage-postgres/migrations/index.ts';
import { createFakePluginContext } from '../helpers/fake-plugin-context.ts';
import { createTestSchema, type TestSchema } from '../helpers/postgres-test-schema.ts';
import { POSTGRES_URL, postgresAvailability, uniqueSuffix } from '../helpers/services.ts';

const postgres = await postgresAvailability();

describe.skipIf(!postgres.available)('storage-postgres migrations', () => {
  let schema: TestSchema;

  beforeAll(async () => {
    schema = await createTestSchema('pg_migrations');
  });

  afterAll(async () => {
    await schema?.drop();
  });

  it('applies every migration once, in order, in its schema; a second run does nothing', async () => {
    expect(MIGRATION_NAMES[0]).toBe('001_initial');
    expect(await runMigrations(POSTGRES_URL, { schema: schema.name })).toEqual({ applied: MIGRATION_NAMES });
    expect(await runMigrations(POSTGRES_URL, { schema: schema.name })).toEqual({ applied: [] });
    const { rows } = await schema.admin.query(`SELECT name FROM "${schema.name}".schema_migrations ORDER BY name`);
    expect(rows).toEqual(MIGRATION_NAMES.map((name) => ({ name })));
    const tables = await schema.admin.query(
      `SELECT table_name FROM information_schema.tables WHERE table_schema = $1 ORDER BY table_name`,
      [schema.name],
    );
    expect(tables.rows.map((r: { table_name: string }) => r.table_name)).toEqual(
      expect.arrayContaining(['schema_migrations', 'task', 'task_config', 'task_logs', 'worker_registry']),
    );
  });

  it('the plugin creates a missing database and schema, migrates, then starts and stops', async () => {
    const database = `tm_test_${uniqueSuffix('pg_plugin')}`.slice(0, 63);
    const url = new URL(POSTGRES_URL);
    url.pathname = `/${database}`;
    const ctx = createFakePluginContext({ postgres: { url: url.toString(), schema: 'tm_app' } });
    const plugin = postgresStorage({ poolSize: 2 });
    try {
      plugin.setup?.(ctx);
      await plugin.migrate?.(ctx);
      await plugin.migrate?.(ctx);
      expect(ctx.logLines).toContainEqual([{ applied: [] }, 'postgres schema already up to date']);

      await plugin.start?.(ctx);
      const storage = ctx.resolve(TOKENS.Storage);
      await expect(storage.ping()).resolves.toBeUndefined();
      expect((await storage.countByStatus()).PENDING).toBe(0);
      await plugin.stop?.(ctx);
      await expect(storage.ping()).rejects.toThrow(/not started/);
    } finally {
      await schema.admin.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
    }
  });

  it('start fails with a clear 50301 when the schema is missing or the server is unreachable', async () => {
    const missing = postgresStorage({ url: POSTGRES_URL, schema: 'tm_test_never_created' });
    const ctx = createFakePluginContext();
    missing.setup?.(ctx);
    const error = await Promise.resolve(missing.start?.(ctx)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DependencyUnavailableError);
    expect((error as Error).message).toMatch(/schema tm_test_never_created.*taskmanager migrate/);

    // Port 1 on localhost refuses connections at once.
    const unreachable = postgresStorage({ url: 'postgres://root@127.0.0.1:1/task_manager', connectTimeout: '2s' });
    const ctx2 = createFakePluginContext();
    unreachable.setup?.(ctx2);
    const refused = await Promise.resolve(unreachable.start?.(ctx2)).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(DependencyUnavailableError);
    expect(refused).toMatchObject({ code: 50301 });
    expect((refused as Error).message).toMatch(
      /postgres is unavailable at root@127\.0\.0\.1:1\/task_manager .*ECONNREFUSED/,
    );
  });

  it('refuses a schema name that is not a plain lower-case identifier', () => {
    const plugin = postgresStorage({ schema: 'Bad; DROP' });
    expect(() => plugin.setup?.(createFakePluginContext())).toThrow(/lower-case identifier/);
  });
});
