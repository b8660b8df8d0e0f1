import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { runMigrations } from '../../plugins/storage-postgres/index.ts';
import { POSTGRES_URL } from './bullmq-postgres.ts';

export interface BenchSchema {
  /** The database URL; the tables live in `schema`. */
  url: string;
  schema: string;
  /** DROP SCHEMA … CASCADE: the bench leaves nothing behind, even after a partial drain. */
  drop(): Promise<void>;
}

/**
 * A fresh, migrated schema per measurement on the database BullMQ's PostgreSQL backend uses
 * (its tables live in a schema of their own), so both sides of a comparison share one server
 * and a backlog left by a drain cut short by its deadline never leaks into the next one.
 */
export async function freshPostgresSchema(url = POSTGRES_URL): Promise<BenchSchema> {
  const schema = `tm_bench_${process.pid}_${randomUUID().slice(0, 8)}`;
  await runMigrations(url, { schema });
  return { url, schema, drop: () => dropSchema(url, schema) };
}

async function dropSchema(url: string, schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  } finally {
    await client.end();
  }
}
