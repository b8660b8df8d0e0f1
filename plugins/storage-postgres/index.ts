import { definePlugin, TOKENS, type Clock, type Plugin } from '../../core/index.ts';
import type { GroupCommitOptions, GroupReport } from '../../lib/sql-storage/create-group-committer.ts';
import { connectionSettings, migrateDatabase, openDatabase } from './lifecycle.ts';
import type { MigrationReport } from './migrations/index.ts';
import { poolUsage, queryMetrics } from './observability.ts';
import { postgresOptionsSchema, type PostgresStorageOptions, type ResolvedPostgresOptions } from './options.ts';
import { PostgresStorage } from './postgres-storage.ts';
import { PostgresScheduleStore } from './schedule-store.ts';

export interface PostgresStoragePluginOptions extends PostgresStorageOptions {
  /** Clock for the timestamps storage sets itself (worker and task type rows); defaults to the app's. */
  clock?: Clock;
  /** How concurrent small creates share a statement (lib/sql-storage/create-group-committer.ts); `{ maxCallTasks: 0 }` turns it off. */
  groupCommit?: Partial<GroupCommitOptions>;
}

/**
 * Durable storage on PostgreSQL 13+ (the `postgres` config section: url, schema, poolSize,
 * connectTimeout, queryTimeout, synchronousCommit). `taskmanager migrate` creates the schema;
 * start fails with a clear 50301 when the database is unreachable or not migrated.
 */
export function postgresStorage(options: PostgresStoragePluginOptions = {}): Plugin {
  const { clock, groupCommit, ...sectionOptions } = options;
  let storage: PostgresStorage | undefined;
  const schedules = new PostgresScheduleStore();
  let resolved: ResolvedPostgresOptions | undefined;
  let stopSampling: (() => void) | undefined;

  return definePlugin({
    name: 'storage-postgres',
    provides: ['storage'],
    setup(ctx) {
      resolved = ctx.section('postgres', postgresOptionsSchema, sectionOptions);
      storage = new PostgresStorage(clock ?? ctx.clock, groupCommit);
      ctx.provide(TOKENS.Storage, storage);
      ctx.provide(TOKENS.ScheduleStore, schedules);
      ctx.provide(TOKENS.TaskTypeControls, schedules);
    },
    async start(ctx) {
      if (!storage || !resolved) throw new Error('storage-postgres: start before setup');
      const metrics = ctx.tryResolve(TOKENS.Metrics);
      const settings = { ...connectionSettings(resolved), ...(metrics ? { onQuery: queryMetrics(metrics) } : {}) };
      const db = await openDatabase(settings);
      storage.attach(db);
      schedules.attach(db);
      stopSampling = metrics?.onCollect(() => {
        const usage = poolUsage(db as never);
        if (usage) metrics.recordStoragePool('postgres', usage);
      });
      ctx.logger.info({ pool: resolved.poolSize, schema: resolved.schema }, 'postgres storage connected');
    },
    async stop() {
      stopSampling?.();
      schedules.detach();
      await storage?.detach()?.destroy();
    },
    async migrate(ctx) {
      if (!resolved) throw new Error('storage-postgres: migrate before setup');
      const report = await migrateDatabase(connectionSettings(resolved));
      ctx.logger.info(
        { applied: report.applied },
        report.applied.length === 0
          ? 'postgres schema already up to date'
          : `postgres schema migrated: ${report.applied.join(', ')}`,
      );
    },
  });
}

/** Migrates `url` (the database and the schema are created when missing) to the latest schema. */
export function runMigrations(
  url: string,
  options: Omit<PostgresStorageOptions, 'url'> = {},
): Promise<MigrationReport> {
  return migrateDatabase(connectionSettings(postgresOptionsSchema.parse({ ...options, url })));
}

/** Opens a started PostgresStorage on `url` without an app (tests, scripts). `close()` ends its pool. */
export async function openPostgresStorage(
  url: string,
  options: Omit<PostgresStoragePluginOptions, 'url'> = {},
): Promise<{ storage: PostgresStorage; close(): Promise<void> }> {
  const { clock, groupCommit, ...rest } = options;
  const storage = new PostgresStorage(clock ?? { now: () => new Date() }, groupCommit);
  storage.attach(await openDatabase(connectionSettings(postgresOptionsSchema.parse({ ...rest, url }))));
  return { storage, close: async () => void (await storage.detach()?.destroy()) };
}

/** The schedule store on `url` without an app (tests, scripts); `close()` ends its pool. */
export async function openPostgresScheduleStore(
  url: string,
  options: Omit<PostgresStorageOptions, 'url'> = {},
): Promise<{ store: PostgresScheduleStore; close(): Promise<void> }> {
  const db = await openDatabase(connectionSettings(postgresOptionsSchema.parse({ ...options, url })));
  const store = new PostgresScheduleStore();
  store.attach(db);
  return { store, close: async () => void (store.detach(), await db.destroy()) };
}

export { PostgresStorage, PostgresScheduleStore, postgresOptionsSchema };
export {
  transactionalEnqueue,
  insertPreparedTasks,
  type TransactionalEnqueue,
  type CallerTransaction,
  type PgConnection,
} from './transactional-enqueue.ts';
export type { PostgresStorageOptions, MigrationReport, GroupCommitOptions, GroupReport };
