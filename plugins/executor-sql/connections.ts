import { Kysely, MysqlDialect, PostgresDialect, sql } from 'kysely';
import { createPool } from 'mysql2';
import pg from 'pg';
import { NonRetryableError } from '../../core/index.ts';
import type { SqlDialect } from './named-params.ts';

/** Tables are unknown to the executor: rows are plain records. */
// biome-ignore lint/suspicious/noExplicitAny: kysely's "any table" database type
export type AnyDatabase = Record<string, any>;

export interface SqlConnection {
  dialect: SqlDialect;
  db: Kysely<AnyDatabase>;
}

export function dialectOf(url: string): SqlDialect {
  const scheme = url.slice(0, url.indexOf(':')).toLowerCase();
  if (scheme === 'mysql' || scheme === 'mariadb') return 'mysql';
  if (scheme === 'postgres' || scheme === 'postgresql') return 'postgres';
  throw new Error(
    `executor-sql: unsupported database URL scheme "${scheme}:" (mysql://, mariadb://, postgres:// or postgresql://)`,
  );
}

/**
 * One pool per named connection, opened on first use (a worker that never runs a SQL task
 * never connects) and closed by closeAll.
 */
export class SqlConnections {
  private readonly open = new Map<string, SqlConnection>();

  constructor(
    private readonly urls: Readonly<Record<string, string>>,
    private readonly poolSize: number,
  ) {
    for (const url of Object.values(urls)) dialectOf(url);
  }

  get(name: string): SqlConnection {
    let connection = this.open.get(name);
    if (connection) return connection;
    const url = Object.hasOwn(this.urls, name) ? this.urls[name] : undefined;
    if (url === undefined) throw new NonRetryableError(`executor-sql has no connection named "${name}"`);
    connection = connect(url, this.poolSize);
    this.open.set(name, connection);
    return connection;
  }

  async closeAll(): Promise<void> {
    const connections = [...this.open.values()];
    this.open.clear();
    await Promise.all(connections.map((c) => c.db.destroy()));
  }
}

function connect(url: string, poolSize: number): SqlConnection {
  const dialect = dialectOf(url);
  if (dialect === 'postgres') {
    const pool = new pg.Pool({ connectionString: url, max: poolSize, idleTimeoutMillis: 60_000 });
    // An idle client that loses its server must not take the process down with it.
    pool.on('error', () => undefined);
    return { dialect, db: new Kysely<AnyDatabase>({ dialect: new PostgresDialect({ pool }) }) };
  }
  const mysqlUrl = url.replace(/^mariadb:/i, 'mysql:');
  const pool = createPool({
    uri: mysqlUrl,
    connectionLimit: poolSize,
    maxIdle: poolSize,
    idleTimeout: 60_000,
    enableKeepAlive: true,
    timezone: 'Z',
  });
  return { dialect, db: new Kysely<AnyDatabase>({ dialect: new MysqlDialect({ pool }) }) };
}

/** The server's id of the session behind `db` (a single-connection Kysely), for cancelling its statement. */
export async function sessionId(db: Kysely<AnyDatabase>, dialect: SqlDialect): Promise<number> {
  const query =
    dialect === 'postgres'
      ? sql<{ id: number }>`SELECT pg_backend_pid() AS id`
      : sql<{ id: number }>`SELECT CONNECTION_ID() AS id`;
  const { rows } = await query.execute(db);
  return Number(rows[0]?.id);
}

/**
 * Stops the statement running in session `id` (a timeout or cancel), from another connection
 * of the pool: pg_cancel_backend on PostgreSQL, KILL QUERY on MySQL / MariaDB.
 */
export async function cancelStatement(db: Kysely<AnyDatabase>, dialect: SqlDialect, id: number): Promise<void> {
  if (!Number.isSafeInteger(id)) return;
  if (dialect === 'postgres') await sql`SELECT pg_cancel_backend(${id})`.execute(db);
  else await sql`KILL QUERY ${sql.raw(String(id))}`.execute(db);
}
