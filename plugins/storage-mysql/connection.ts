import { Kysely, MysqlDialect, sql, type DatabaseConnection, type LogEvent } from 'kysely';
import { createPool, type PoolOptions } from 'mysql2';
import type { Database } from '../../lib/sql-storage/database.ts';
import { rememberPool } from './observability.ts';
import type { ConnectionTarget } from './options.ts';

export interface ConnectionSettings {
  target: ConnectionTarget;
  poolSize: number;
  connectTimeoutMs: number;
  queryTimeoutMs?: number;
  /** Connect without selecting the database (to create it). */
  withoutDatabase?: boolean;
  /** Told about every query (the metrics plugin's timings). */
  onQuery?: (event: LogEvent) => void;
}

/**
 * JSON columns come back as text on both servers (MySQL 8 would parse them, MariaDB would
 * not), so row-mapping.ts parses every JSON value the same way.
 */
type TypeCastFunction = Extract<NonNullable<PoolOptions['typeCast']>, (...args: never[]) => unknown>;
type TypeCastField = Parameters<TypeCastFunction>[0];

function typeCast(field: TypeCastField, next: () => unknown): unknown {
  if (field.type === 'JSON' || field.extendedFormat === 'json') return field.string('utf8');
  return next();
}

export function poolOptions(settings: ConnectionSettings): PoolOptions {
  const { target } = settings;
  return {
    host: target.host,
    port: target.port,
    user: target.user,
    password: target.password,
    ...(settings.withoutDatabase ? {} : { database: target.database }),
    connectionLimit: settings.poolSize,
    maxIdle: settings.poolSize,
    // Idle connections are closed after a minute, so a pool that grew under load shrinks again.
    idleTimeout: 60_000,
    connectTimeout: settings.connectTimeoutMs,
    enableKeepAlive: true,
    // Dates are written and read as UTC; the session time zone below matches it.
    timezone: 'Z',
    dateStrings: false,
    charset: 'utf8mb4_unicode_ci',
    typeCast,
  };
}

/**
 * Runs once per new physical connection: UTC session time (CURRENT_TIMESTAMP defaults agree
 * with the Dates we write) and the optional statement time limit, whose variable differs
 * between MySQL (max_execution_time, ms, SELECT only) and MariaDB (max_statement_time, s).
 */
async function prepareSession(connection: DatabaseConnection, queryTimeoutMs: number | undefined): Promise<void> {
  await connection.executeQuery(sql`SET time_zone = '+00:00'`.compile(NO_DB));
  if (queryTimeoutMs === undefined) return;
  const version = await connection.executeQuery<{ v: string }>(
    sql<{ v: string }>`SELECT VERSION() AS v`.compile(NO_DB),
  );
  const isMariaDb = /mariadb/i.test(version.rows[0]?.v ?? '');
  const statement = isMariaDb
    ? sql`SET SESSION max_statement_time = ${queryTimeoutMs / 1000}`
    : sql`SET SESSION max_execution_time = ${Math.ceil(queryTimeoutMs)}`;
  await connection.executeQuery(statement.compile(NO_DB));
}

/** A query compiler with no pool behind it, only for the session statements above. */
const NO_DB = new Kysely<unknown>({
  dialect: new MysqlDialect({ pool: async () => Promise.reject(new Error('compile only')) }),
});

export function createDatabase(settings: ConnectionSettings): Kysely<Database> {
  const pool = createPool(poolOptions(settings));
  const db = new Kysely<Database>({
    dialect: new MysqlDialect({
      pool,
      onCreateConnection: (connection) => prepareSession(connection, settings.queryTimeoutMs),
    }),
    ...(settings.onQuery ? { log: settings.onQuery } : {}),
  });
  rememberPool(db as Kysely<never>, pool);
  return db;
}
