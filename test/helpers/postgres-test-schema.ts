import pg from 'pg';
import { POSTGRES_URL, uniqueSuffix } from './services.ts';

/**
 * A throwaway schema per test file on the real PostgreSQL: `tm_test_<label>_<pid>_<time>`.
 * `url` connects with that schema as the search_path, so unqualified table names land in it;
 * `admin` is a separate client for setup and checks; `drop()` removes the schema and closes it.
 */
export interface TestSchema {
  name: string;
  url: string;
  admin: pg.Client;
  drop(): Promise<void>;
}

export async function createTestSchema(label: string): Promise<TestSchema> {
  const name = `tm_test_${uniqueSuffix(label)}`.slice(0, 63);
  const admin = new pg.Client({ connectionString: POSTGRES_URL });
  await admin.connect();
  await admin.query(`CREATE SCHEMA "${name}"`);
  await admin.query(`SET search_path TO "${name}"`);
  const url = new URL(POSTGRES_URL);
  url.searchParams.set('options', `-c search_path=${name}`);
  return {
    name,
    url: url.toString(),
    admin,
    async drop() {
      try {
        await admin.query(`DROP SCHEMA IF EXISTS "${name}" CASCADE`);
      } finally {
        await admin.end();
      }
    },
  };
}
