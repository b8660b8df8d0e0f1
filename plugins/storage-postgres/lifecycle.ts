import { sql, type Kysely } from 'kysely';
import { DependencyUnavailableError } from '../../core/index.ts';
import type { Database } from '../../lib/sql-storage/database.ts';
import { createDatabase, type ConnectionSettings } from './connection.ts';
import { createDatabaseIfMissing, migrateToLatest, type MigrationReport } from './migrations/index.ts';
import { describeTarget, parsePostgresUrl, type ResolvedPostgresOptions } from './options.ts';

export function connectionSettings(options: ResolvedPostgresOptions): ConnectionSettings {
  return {
    target: parsePostgresUrl(options.url, options.schema),
    poolSize: options.poolSize,
    connectTimeoutMs: options.connectTimeout,
    ...(options.queryTimeout === undefined ? {} : { queryTimeoutMs: options.queryTimeout }),
    ...(options.synchronousCommit === undefined ? {} : { synchronousCommit: options.synchronousCommit }),
  };
}

function errorCode(error: unknown): unknown {
  return typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
}

function reason(error: unknown): string {
  if (error instanceof AggregateError && error.errors.length > 0) return reason(error.errors[0]);
  return error instanceof Error && error.message ? error.message : String(errorCode(error) ?? error);
}

/** 3D000 no such database, 42P01 no such table: the schema was never migrated. */
const NOT_MIGRATED = new Set(['3D000', '42P01']);

/** A 50301 whose message says where and why, and what to do when the schema is missing. */
function unavailable(settings: ConnectionSettings, error: unknown): DependencyUnavailableError {
  const failure = new DependencyUnavailableError('postgres', error);
  const hint = NOT_MIGRATED.has(String(errorCode(error)))
    ? ' (run `taskmanager migrate --config <file>` to create the schema)'
    : '';
  failure.message = `postgres is unavailable at ${describeTarget(settings.target)}: ${reason(error)}${hint}`;
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

/** Creates the database and the schema when missing, then runs every pending migration. */
export async function migrateDatabase(settings: ConnectionSettings): Promise<MigrationReport> {
  const db = createDatabase({ ...settings, poolSize: 1 }) as Kysely<unknown>;
  try {
    try {
      await sql`SELECT 1`.execute(db);
    } catch (error) {
      if (errorCode(error) !== '3D000') throw unavailable(settings, error);
      await createDatabaseOnServer(settings);
    }
    return await migrateToLatest(db, settings.target.schema);
  } finally {
    await db.destroy().catch(() => undefined);
  }
}

/** Through the server's `postgres` database, which every installation has. */
async function createDatabaseOnServer(settings: ConnectionSettings): Promise<void> {
  const server = createDatabase({ ...settings, poolSize: 1, database: 'postgres' }) as Kysely<unknown>;
  try {
    await createDatabaseIfMissing(server, settings.target.database);
  } catch (error) {
    throw unavailable(settings, error);
  } finally {
    await server.destroy().catch(() => undefined);
  }
}
