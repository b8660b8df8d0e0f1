import { Migrator, sql, type Kysely, type Migration, type MigrationProvider, type MigrationResultSet } from 'kysely';
import * as initial from './001_initial.ts';
import * as finishedIndex from './002_finished_index.ts';
import * as taskProgress from './003_task_progress.ts';
import * as lighterStatusIndexes from './004_lighter_status_indexes.ts';
import * as taskSchedules from './005_task_schedules.ts';
import * as taskDependencies from './006_task_dependencies.ts';
import * as traceParent from './007_trace_parent.ts';

/**
 * The versioned migrations, in order. Add a file NNN_name.ts and list it here; never edit
 * one that has shipped (and mirror the change in schema.sql).
 */
const MIGRATIONS: Record<string, Migration> = {
  '001_initial': initial,
  '002_finished_index': finishedIndex,
  '003_task_progress': taskProgress,
  '004_lighter_status_indexes': lighterStatusIndexes,
  '005_task_schedules': taskSchedules,
  '006_task_dependencies': taskDependencies,
  '007_trace_parent': traceParent,
};

/** Every migration's name, in the order they run. */
export const MIGRATION_NAMES: readonly string[] = Object.keys(MIGRATIONS).sort();

/** Static: no directory scanning, so migrations work from any working directory and bundle. */
const provider: MigrationProvider = {
  getMigrations: async () => MIGRATIONS,
};

/** Applied versions are recorded here (and guarded by the lock table against two concurrent runs). */
export const MIGRATION_TABLE = 'schema_migrations';
export const MIGRATION_LOCK_TABLE = 'schema_migrations_lock';

export interface MigrationReport {
  /** Migrations run by this call, in order; empty when the schema was already current. */
  applied: string[];
}

/** Runs every pending migration; a second run does nothing. Throws the first failure. */
export async function migrateToLatest(db: Kysely<unknown>): Promise<MigrationReport> {
  const migrator = new Migrator({
    db,
    provider,
    migrationTableName: MIGRATION_TABLE,
    migrationLockTableName: MIGRATION_LOCK_TABLE,
    // Numbers are reserved per feature: a database may already hold a later one when an
    // earlier-numbered migration ships (it runs then, in name order among the pending).
    allowUnorderedMigrations: true,
  });
  const { error, results }: MigrationResultSet = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName;
    const which = failed === undefined ? 'a migration' : `migration ${failed}`;
    throw new Error(`storage-mysql: ${which} failed: ${describe(error)}`, { cause: error });
  }
  return { applied: (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName) };
}

/** CREATE DATABASE IF NOT EXISTS, on a connection opened without a database. */
export async function createDatabaseIfMissing(server: Kysely<unknown>, database: string): Promise<void> {
  await sql`CREATE DATABASE IF NOT EXISTS ${sql.id(database)} CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`.execute(
    server,
  );
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
