import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { Queue, Worker, createPostgresBackend, runMigrations, type Processor } from 'bullmq';
import pg from 'pg';
import { noopJobs } from './bullmq.ts';

/** BullMQ's PostgreSQL backend (BullMQ 6.7): the durable anchor of the drain. */
export const POSTGRES_URL = process.env.TM_BENCH_POSTGRES_URL ?? 'postgres://root@127.0.0.1:5432/test';
/** BullMQ creates its tables and functions in this schema once (idempotent migrations). */
const SCHEMA = 'bullmq';

let pool: pg.Pool | undefined;

/**
 * PostgreSQL answers, started when it is down (every machine of this project runs it: trust
 * auth on 127.0.0.1, database `test`), and BullMQ's schema migrated; returns the shared pool.
 */
export async function bullPostgresPool(): Promise<pg.Pool> {
  if (pool) return pool;
  if (spawnSync('pg_isready', ['-h', '127.0.0.1', '-p', '5432']).status !== 0) {
    const version = spawnSync('ls', ['/etc/postgresql']).stdout.toString().trim().split('\n')[0];
    spawnSync('pg_ctlcluster', ['--skip-systemctl-redirect', version ?? '15', 'main', 'start'], { stdio: 'inherit' });
  }
  // A pool handed to BullMQ keeps its own search_path: point it at BullMQ's schema.
  const created = new pg.Pool({ connectionString: POSTGRES_URL, max: 20, options: `-c search_path=${SCHEMA},public` });
  const client = await created.connect();
  try {
    await runMigrations(client, SCHEMA);
  } finally {
    client.release();
  }
  pool = created;
  return created;
}

export async function closeBullPostgres(): Promise<void> {
  await pool?.end();
  pool = undefined;
}

// BullMQ's typings describe Redis connection options; its PostgreSQL backend takes a pg.Pool
// as the connection and the backend factory as the last constructor argument.
const backend = createPostgresBackend as never;

/** A queue of its own (a fresh name per measurement) on BullMQ's PostgreSQL backend. */
export async function bullPgQueue(): Promise<Queue> {
  const connection = await bullPostgresPool();
  const queue = new Queue(`bench-${randomUUID().slice(0, 8)}`, { connection } as never, backend);
  await queue.waitUntilReady();
  return queue;
}

export async function bullPgWorker(queue: Queue, concurrency: number, processor: Processor): Promise<Worker> {
  const connection = await bullPostgresPool();
  const worker = new Worker(queue.name, processor, { connection, concurrency, autorun: false } as never, backend);
  await worker.waitUntilReady();
  return worker;
}

export async function preAddPg(queue: Queue, count: number): Promise<void> {
  for (let from = 0; from < count; from += 1000)
    await queue.addBulk(noopJobs(Math.min(1000, count - from), undefined, from));
}

export async function closePg(parts: { queue: Queue; worker?: Worker }): Promise<void> {
  await parts.worker?.close();
  await parts.queue.obliterate({ force: true }).catch(() => {});
  await parts.queue.close();
}
