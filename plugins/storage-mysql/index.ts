import { definePlugin, TOKENS, type Clock, type Plugin } from '../../core/index.ts';
import type { GroupCommitOptions, GroupReport } from './create-group-committer.ts';
import { connectionSettings, migrateDatabase, openDatabase } from './lifecycle.ts';
import type { MigrationReport } from './migrations/index.ts';
import { MysqlStorage } from './mysql-storage.ts';
import { poolUsage, queryMetrics } from './observability.ts';
import { mysqlOptionsSchema, type MysqlStorageOptions, type ResolvedMysqlOptions } from './options.ts';

export interface MysqlStoragePluginOptions extends MysqlStorageOptions {
  /** Clock for the timestamps storage sets itself (worker and task type rows); defaults to the app's. */
  clock?: Clock;
  /** How concurrent small creates share a transaction (create-group-committer.ts); `{ maxCallTasks: 0 }` turns it off. */
  groupCommit?: Partial<GroupCommitOptions>;
}

/**
 * Durable storage on MySQL 8 / MariaDB 10.6+ (the `mysql` config section: url, poolSize,
 * connectTimeout, queryTimeout). `taskmanager migrate` creates the schema; start fails with
 * a clear 50301 when the database is unreachable or not migrated.
 */
export function mysqlStorage(options: MysqlStoragePluginOptions = {}): Plugin {
  const { clock, groupCommit, ...sectionOptions } = options;
  let storage: MysqlStorage | undefined;
  let resolved: ResolvedMysqlOptions | undefined;
  let stopSampling: (() => void) | undefined;

  return definePlugin({
    name: 'storage-mysql',
    provides: ['storage'],
    setup(ctx) {
      resolved = ctx.section('mysql', mysqlOptionsSchema, { ...sectionOptions, groupCommit });
      storage = new MysqlStorage(clock ?? ctx.clock, { ...groupCommit, ...definedOnly(resolved.groupCommit) });
      ctx.provide(TOKENS.Storage, storage);
    },
    async start(ctx) {
      if (!storage || !resolved) throw new Error('storage-mysql: start before setup');
      const metrics = ctx.tryResolve(TOKENS.Metrics);
      const settings = { ...connectionSettings(resolved), ...(metrics ? { onQuery: queryMetrics(metrics) } : {}) };
      const db = await openDatabase(settings);
      storage.attach(db);
      stopSampling = metrics?.onCollect(() => {
        const usage = poolUsage(db as never);
        if (usage) metrics.recordStoragePool('mysql', usage);
      });
      ctx.logger.info({ pool: resolved.poolSize }, 'mysql storage connected');
    },
    async stop() {
      stopSampling?.();
      await storage?.detach()?.destroy();
    },
    async migrate(ctx) {
      if (!resolved) throw new Error('storage-mysql: migrate before setup');
      const report = await migrateDatabase(connectionSettings(resolved));
      ctx.logger.info(
        { applied: report.applied },
        report.applied.length === 0
          ? 'mysql schema already up to date'
          : `mysql schema migrated: ${report.applied.join(', ')}`,
      );
    },
  });
}

/** Migrates the database named in `url` (created if missing) to the latest schema. */
export function runMigrations(url: string, options: Omit<MysqlStorageOptions, 'url'> = {}): Promise<MigrationReport> {
  return migrateDatabase(connectionSettings(mysqlOptionsSchema.parse({ ...options, url })));
}

/**
 * Opens a started MysqlStorage on `url` without an app (tests, scripts). `close()` ends its pool.
 */
export async function openMysqlStorage(
  url: string,
  options: Omit<MysqlStoragePluginOptions, 'url'> = {},
): Promise<{ storage: MysqlStorage; close(): Promise<void> }> {
  const { clock, groupCommit, ...rest } = options;
  const parsed = mysqlOptionsSchema.parse({ ...rest, url });
  const storage = new MysqlStorage(clock ?? { now: () => new Date() }, {
    ...groupCommit,
    ...definedOnly(parsed.groupCommit),
  });
  storage.attach(await openDatabase(connectionSettings(parsed)));
  return { storage, close: async () => void (await storage.detach()?.destroy()) };
}

/** The group-commit numbers the section set (an unset one keeps the default). */
function definedOnly(options: ResolvedMysqlOptions['groupCommit']): Partial<GroupCommitOptions> {
  return Object.fromEntries(Object.entries(options ?? {}).filter(([, v]) => v !== undefined));
}

export { MysqlStorage, mysqlOptionsSchema };
export {
  transactionalEnqueue,
  insertPreparedTasks,
  type TransactionalEnqueue,
  type CallerTransaction,
  type Mysql2Connection,
} from './transactional-enqueue.ts';
export type { MysqlStorageOptions, MigrationReport, GroupCommitOptions, GroupReport };
