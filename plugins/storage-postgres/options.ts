import { z } from 'zod';
import { duration, integer } from '../../core/index.ts';

export const DEFAULT_POSTGRES_URL = 'postgres://postgres@127.0.0.1:5432/task_manager';

/** `synchronous_commit` values a session may choose (docs/operations.md explains the trade-off). */
export const SYNCHRONOUS_COMMIT = ['on', 'off', 'local', 'remote_write', 'remote_apply'] as const;

/** Lower case only: it goes unquoted into the session's search_path. */
const SCHEMA_NAME = /^[a-z_][a-z0-9_$]{0,62}$/;
const DATABASE_NAME = /^[A-Za-z_][A-Za-z0-9_$]{0,62}$/;

/** The `postgres` config section. `TM_POSTGRES_URL` overrides `url` (applied by the config layer). */
export const postgresOptionsSchema = z.object({
  /** postgres://user:password@host:port/database (postgresql:// too; ?sslmode=… is honoured). */
  url: z
    .string()
    .default(DEFAULT_POSTGRES_URL)
    .refine((value) => {
      try {
        return ['postgres:', 'postgresql:'].includes(new URL(value).protocol);
      } catch {
        return false;
      }
    }, 'expected a URL like postgres://user:password@host:5432/database'),
  /** The schema holding the tables (created by `taskmanager migrate` when missing). */
  schema: z.string().regex(SCHEMA_NAME, 'expected a lower-case identifier (a-z, 0-9, _ and $)').default('public'),
  /** Connections kept by the pool, per process. */
  poolSize: integer(1, 1000).default(20),
  /** How long opening one connection may take before the call fails with 50301. */
  connectTimeout: duration().default(10_000),
  /** Server-side limit on one statement's run time (statement_timeout); unset = the server's. */
  queryTimeout: duration().optional(),
  /**
   * The session's synchronous_commit; unset = the server's (`on` by default: a commit returns
   * once its WAL is flushed). `off` trades the last few hundred ms of commits on a server
   * crash for fewer waits on fsync (docs/operations.md).
   */
  synchronousCommit: z.enum(SYNCHRONOUS_COMMIT).optional(),
});

export type PostgresStorageOptions = z.input<typeof postgresOptionsSchema>;
export type ResolvedPostgresOptions = z.output<typeof postgresOptionsSchema>;

export interface ConnectionTarget {
  /** The URL as given; the pool reads host, port, user, password, database and sslmode from it. */
  url: string;
  database: string;
  schema: string;
}

/** Splits out the database name; it is checked because `taskmanager migrate` may CREATE DATABASE it. */
export function parsePostgresUrl(url: string, schema: string): ConnectionTarget {
  const parsed = new URL(url);
  const database = decodeURIComponent(parsed.pathname.replace(/^\//, '')) || 'task_manager';
  if (!DATABASE_NAME.test(database)) {
    throw new Error(`postgres.url: database name "${database}" must match ${DATABASE_NAME.source}`);
  }
  parsed.pathname = `/${database}`;
  return { url: parsed.toString(), database, schema };
}

/** user@host:port/database (schema) without the password, for messages and logs. */
export function describeTarget(target: ConnectionTarget): string {
  const parsed = new URL(target.url);
  const user = decodeURIComponent(parsed.username) || 'postgres';
  return `${user}@${parsed.hostname || '127.0.0.1'}:${parsed.port || 5432}/${target.database} (schema ${target.schema})`;
}
