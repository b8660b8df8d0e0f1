import { Migrator, sql, type Kysely, type Migration, type MigrationProvider, type MigrationResultSet } from 'kysely';
import * as initial from './001_initial.ts';
import * as taskDependencies from './002_task_dependencies.ts';
import * as taskSchedules from './003_task_schedules.ts';
import * as traceParent from './004_trace_parent.ts';

/**
 * The versioned migrations of the PostgreSQL schema, in order: a numbering of its own, apart
 * from storage-mysql's. Add a file NNN_name.ts and list it here; never edit one that has shipped.
 */
const MIGRATIONS: Record<string, Migration> = {
  '001_initial': initial,
  '002_task_dependencies': taskDependencies,
  '003_task_schedules': taskSchedules,
  '004_trace_parent': traceParent,
};

/** Every migration's name, in the order they run. */
export const MIGRATION_NAMES: readonly string[] = Object.keys(MIGRATIONS).sort();

/** Static: no directory scanning, so migrations work from any working directory and bundle. */
const provider: MigrationProvider = {
  getMigrations: async () => MIGRATIONS,
};

/** Applied versions are recorded here, in the storage's schema (kysely holds an advisory lock while migrating). */
export const MIGRATION_TABLE = 'schema_migrations';
export const MIGRATION_LOCK_TABLE = 'schema_migrations_lock';

export interface MigrationReport {
  /** Migrations run by this call, in order; empty when the schema was already current. */
  applied: string[];
}

/**
 * Runs every pending migration in `schema` (created when missing); a second run does nothing.
 * The connection's search_path is that schema, so the migrations name tables unqualified.
 */
export async function migrateToLatest(db: Kysely<unknown>, schema: string): Promise<MigrationReport> {
  const migrator = new Migrator({
    db,
    provider,
    migrationTableName: MIGRATION_TABLE,
    migrationLockTableName: MIGRATION_LOCK_TABLE,
    migrationTableSchema: schema,
  });
  const { error, results }: MigrationResultSet = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName;
    const which = failed === undefined ? 'a migration' : `migration ${failed}`;
    throw new Error(`storage-postgres: ${which} failed: ${describe(error)}`, { cause: error });
  }
  return { applied: (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName) };
}

/** CREATE DATABASE when missing, on a connection to another database of the server (`postgres`). */
export async function createDatabaseIfMissing(server: Kysely<unknown>, database: string): Promise<void> {
  const { rows } = await sql<{ found: number }>`SELECT 1 AS found FROM pg_database WHERE datname = ${database}`.execute(
    server,
  );
  if (rows.length > 0) return;
  try {
    await sql`CREATE DATABASE ${sql.id(database)}`.execute(server);
  } catch (error) {
    // 42P04: another migrate created it between the check and here.
    if ((error as { code?: unknown } | null)?.code !== '42P04') throw error;
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
