import { z } from 'zod';
import { duration, integer } from '../../core/index.ts';

export const DEFAULT_MYSQL_URL = 'mysql://root@127.0.0.1:3306/task_manager';

/** The `mysql` config section. `TM_MYSQL_URL` overrides `url` (applied by the config layer). */
export const mysqlOptionsSchema = z.object({
  /** mysql://user:password@host:port/database */
  url: z
    .string()
    .default(DEFAULT_MYSQL_URL)
    .refine((value) => {
      try {
        return ['mysql:', 'mariadb:'].includes(new URL(value).protocol);
      } catch {
        return false;
      }
    }, 'expected a URL like mysql://user:password@host:3306/database'),
  /** Connections kept by the pool (SUMMARY recommends 20–50 for a busy cluster). */
  poolSize: integer(1, 1000).default(20),
  /** How long opening one connection may take before the call fails with 50301. */
  connectTimeout: duration().default(10_000),
  /** Server-side limit on one statement's run time; unset = no limit. */
  queryTimeout: duration().optional(),
  /**
   * How concurrent small creates share one transaction (create-group-committer.ts);
   * `maxCallTasks: 0` turns grouping off. `TM_MYSQL_GROUP_COMMIT_MAX_CALL_TASKS=0` from the environment.
   */
  groupCommit: z
    .object({
      maxGroupTasks: integer(1, 1000).optional(),
      maxCallTasks: integer(0, 1000).optional(),
      maxGroupsInFlight: integer(1, 64).optional(),
    })
    .optional(),
});

export type MysqlStorageOptions = z.input<typeof mysqlOptionsSchema>;
export type ResolvedMysqlOptions = z.output<typeof mysqlOptionsSchema>;

export interface ConnectionTarget {
  host: string;
  port: number;
  user: string;
  password: string;
  database: string;
}

const DATABASE_NAME = /^[A-Za-z0-9_$]{1,64}$/;

/** Splits the URL; the database name is checked because it becomes an identifier in DDL. */
export function parseMysqlUrl(url: string): ConnectionTarget {
  const parsed = new URL(url);
  const database = decodeURIComponent(parsed.pathname.replace(/^\//, '')) || 'task_manager';
  if (!DATABASE_NAME.test(database)) {
    throw new Error(`mysql.url: database name "${database}" must match ${DATABASE_NAME.source}`);
  }
  return {
    host: parsed.hostname || '127.0.0.1',
    port: parsed.port ? Number(parsed.port) : 3306,
    user: decodeURIComponent(parsed.username) || 'root',
    password: decodeURIComponent(parsed.password),
    database,
  };
}

/** host:port/database without the password, for messages and logs. */
export function describeTarget(target: ConnectionTarget): string {
  return `${target.user}@${target.host}:${target.port}/${target.database}`;
}
