import { Kysely, PostgresDialect, type LogEvent } from 'kysely';
import pg from 'pg';
import type { Database } from '../../lib/sql-storage/database.ts';
import { rememberPool } from './observability.ts';
import { prepareMarkedStatements } from './prepared-statements.ts';
import type { ConnectionTarget } from './options.ts';

export interface ConnectionSettings {
  target: ConnectionTarget;
  poolSize: number;
  connectTimeoutMs: number;
  queryTimeoutMs?: number;
  synchronousCommit?: string;
  /** Connect to this database instead of the target's (`postgres`, to create the target). */
  database?: string;
  /** Told about every query (the metrics plugin's timings). */
  onQuery?: (event: LogEvent) => void;
}

const JSON_OID = 114;
const JSONB_OID = 3802;
const INT8_OID = 20;
const parseInt8 = (text: string): number => Number(text);
const keepText = (text: string): string => text;

/**
 * json and jsonb stay text (row-mapping.ts parses them, as it does MySQL's), BIGINT ids and
 * COUNT(*) become numbers (well inside 2^53); the rest is pg's default (timestamptz → Date,
 * NUMERIC → string).
 */
const types = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') => {
    if (oid === JSON_OID || oid === JSONB_OID) return keepText;
    if (oid === INT8_OID) return parseInt8;
    return pg.types.getTypeParser(oid, format ?? 'text');
  }) as typeof pg.types.getTypeParser,
};

/**
 * Session settings, sent in the startup packet (no extra round trip per connection): the
 * schema as search_path, and the optional statement timeout and synchronous_commit. An
 * `options` parameter of the URL is kept and ours follow it.
 */
export function poolConfig(settings: ConnectionSettings): pg.PoolConfig {
  const url = new URL(settings.target.url);
  if (settings.database !== undefined) url.pathname = `/${settings.database}`;
  const options = [url.searchParams.get('options') ?? ''];
  url.searchParams.delete('options');
  if (settings.database === undefined) options.push(`-c search_path=${settings.target.schema}`);
  if (settings.queryTimeoutMs !== undefined) options.push(`-c statement_timeout=${Math.ceil(settings.queryTimeoutMs)}`);
  if (settings.synchronousCommit !== undefined) options.push(`-c synchronous_commit=${settings.synchronousCommit}`);
  return {
    connectionString: url.toString(),
    options: options.filter(Boolean).join(' '),
    max: settings.poolSize,
    // Idle connections are closed after a minute, so a pool that grew under load shrinks again.
    idleTimeoutMillis: 60_000,
    connectionTimeoutMillis: settings.connectTimeoutMs,
    keepAlive: true,
    types,
  };
}

export function createDatabase(settings: ConnectionSettings): Kysely<Database> {
  const pool = new pg.Pool(poolConfig(settings));
  // An idle connection that loses its server must not take the process down: the pool drops
  // it, and the next query opens a new one (or fails with 50301 while the server is away).
  pool.on('error', () => undefined);
  prepareMarkedStatements(pool);
  const db = new Kysely<Database>({
    dialect: new PostgresDialect({ pool }),
    ...(settings.onQuery ? { log: settings.onQuery } : {}),
  });
  rememberPool(db as Kysely<never>, pool);
  return db;
}
