import { createConnection, type Connection } from 'mysql2/promise';
import { MYSQL_URL, uniqueSuffix } from './services.ts';

/**
 * A throwaway database per test file on the real server: `tm_test_<label>_<pid>_<time>`.
 * `admin` is a separate root connection (no database selected) for DDL, KILL and
 * information_schema; `drop()` removes the database and closes it.
 */
export interface TestDatabase {
  name: string;
  /** The storage URL of the test database. */
  url: string;
  admin: Connection;
  drop(): Promise<void>;
}

export async function createTestDatabase(label: string): Promise<TestDatabase> {
  const name = `tm_test_${uniqueSuffix(label)}`.slice(0, 64);
  const server = new URL(MYSQL_URL);
  const admin = await createConnection({
    host: server.hostname,
    port: Number(server.port || 3306),
    user: decodeURIComponent(server.username) || 'root',
    password: decodeURIComponent(server.password),
    multipleStatements: true,
  });
  await admin.query(`CREATE DATABASE \`${name}\``);
  const url = new URL(MYSQL_URL);
  url.pathname = `/${name}`;
  return {
    name,
    url: url.toString(),
    admin,
    async drop() {
      try {
        await admin.query(`DROP DATABASE IF EXISTS \`${name}\``);
      } finally {
        await admin.end();
      }
    },
  };
}
