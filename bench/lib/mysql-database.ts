import { randomUUID } from 'node:crypto';
import { createConnection, type Connection } from 'mysql2/promise';
import { runMigrations } from '../../plugins/storage-mysql/index.ts';

/** The server only: each bench database is created under it and dropped afterwards. */
export const MYSQL_SERVER_URL = process.env.TM_BENCH_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306';

export interface BenchDatabase {
  /** mysql://…/tm_bench_… with the schema migrated, for mysqlStorage({ url }). */
  url: string;
  name: string;
  /** DROP DATABASE: the bench leaves nothing behind, even after a partial drain. */
  drop(): Promise<void>;
}

/**
 * A fresh, migrated database per measurement, so a backlog left by a drain cut short by its
 * deadline never leaks into the next one (and the InnoDB tables start equally empty).
 */
export async function freshMysqlDatabase(serverUrl = MYSQL_SERVER_URL): Promise<BenchDatabase> {
  const name = `tm_bench_${process.pid}_${randomUUID().slice(0, 8)}`;
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  await runMigrations(url.toString());
  return { url: url.toString(), name, drop: () => dropDatabase(serverUrl, name) };
}

/** A plain connection to the server (no database selected), for CREATE/DROP and VERSION(). */
export function adminConnection(serverUrl = MYSQL_SERVER_URL): Promise<Connection> {
  const server = new URL(serverUrl);
  return createConnection({
    host: server.hostname,
    port: Number(server.port || 3306),
    user: decodeURIComponent(server.username) || 'root',
    password: decodeURIComponent(server.password),
  });
}

async function dropDatabase(serverUrl: string, name: string): Promise<void> {
  const admin = await adminConnection(serverUrl);
  try {
    await admin.query(`DROP DATABASE IF EXISTS \`${name}\``);
  } finally {
    await admin.end();
  }
}
