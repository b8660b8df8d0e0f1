import { sql, type Kysely } from 'kysely';
import { DependencyUnavailableError } from '../../core/index.ts';
import { createDatabase, type ConnectionSettings } from './connection.ts';
import type { Database } from '../../lib/sql-storage/database.ts';
import { createDatabaseIfMissing, migrateToLatest, type MigrationReport } from './migrations/index.ts';
import { describeTarget, parseMysqlUrl, type ResolvedMysqlOptions } from './options.ts';

export function connectionSettings(options: ResolvedMysqlOptions): ConnectionSettings {
  return {
    target: parseMysqlUrl(options.url),
    poolSize: options.poolSize,
    connectTimeoutMs: options.connectTimeout,
    ...(options.queryTimeout === undefined ? {} : { queryTimeoutMs: options.queryTimeout }),
  };
}

function errorCode(error: unknown): unknown {
  return typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
}

function reason(error: unknown): string {
  if (error instanceof AggregateError && error.errors.length > 0) return reason(error.errors[0]);
  return error instanceof Error && error.message ? error.message : String(errorCode(error) ?? error);
}

/** A 50301 whose message says where and why, and what to do when the schema is missing. */
function unavailable(settings: ConnectionSettings, error: unknown): DependencyUnavailableError {
  const failure = new DependencyUnavailableError('mysql', error);
  const code = errorCode(error);
  const hint =
    code === 'ER_BAD_DB_ERROR' || code === 'ER_NO_SUCH_TABLE'
      ? ' (run `taskmanager migrate --config <file>` to create the schema)'
      : '';
  failure.message = `mysql is unavailable at ${describeTarget(settings.target)}: ${reason(error)}${hint}`;
  return failure;
}

/**
 * Opens the pool and proves it works: one round trip that also checks the schema exists,
 * so a missing migration fails at start rather than on the first request.
 */
export async function openDatabase(settings: ConnectionSettings): Promise<Kysely<Database>> {
  const db = createDatabase(settings);
  try {
    await sql`SELECT 1 FROM task LIMIT 0`.execute(db);
    return db;
  } catch (error) {
    await db.destroy().catch(() => undefined);
    throw unavailable(settings, error);
  }
}

/** Creates the database when missing, then runs every pending migration. */
export async function migrateDatabase(settings: ConnectionSettings): Promise<MigrationReport> {
  const server = createDatabase({ ...settings, poolSize: 1, withoutDatabase: true }) as Kysely<unknown>;
  try {
    await createDatabaseIfMissing(server, settings.target.database);
  } catch (error) {
    throw unavailable(settings, error);
  } finally {
    await server.destroy().catch(() => undefined);
  }
  const db = createDatabase({ ...settings, poolSize: 1 }) as Kysely<unknown>;
  try {
    return await migrateToLatest(db);
  } finally {
    await db.destroy().catch(() => undefined);
  }
}
