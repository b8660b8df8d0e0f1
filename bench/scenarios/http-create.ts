import { postLoad, type LoadResult } from '../lib/autocannon.ts';
import { bullQueue, closeBull, noopJobs } from '../lib/bullmq.ts';
import { forDuration, type DurationRun } from '../lib/for-duration.ts';
import { httpApp, type StorageChoice } from '../lib/http-app.ts';
import { freshMysqlDatabase } from '../lib/mysql-database.ts';
import { NOOP_TYPE } from '../lib/our-app.ts';
import { benchPrefix, deleteKeys } from '../lib/redis-keys.ts';
import type { Measurement, Scenario } from '../lib/result.ts';
import { quick, round } from '../lib/stats.ts';

const SECONDS = quick ? 3 : 5;
const BATCH = 1000;
/** Requests (or BullMQ calls) in flight. */
const SINGLE_CONNECTIONS = 32;
const BATCH_CONNECTIONS = 4;
const MYSQL_POOL = 20;

const singleBody = { task_type: NOOP_TYPE, payload: { i: 1 } };
const batchBody = { tasks: Array.from({ length: BATCH }, (_, i) => ({ task_type: NOOP_TYPE, payload: { i } })) };

interface Rate {
  tasksPerSecond: number;
  /** Set when some requests failed. */
  note?: string;
}

function httpRate(result: LoadResult, tasksPerRequest: number): Rate {
  const failed = result.non2xx + result.errors;
  const note =
    failed > 0
      ? `${result.ok} requests 2xx, ${result.non2xx} non-2xx, ${result.errors} errors/timeouts; status codes ${JSON.stringify(result.statusCodes)}`
      : undefined;
  return { tasksPerSecond: (result.ok * tasksPerRequest) / result.seconds, note };
}

function callRate(run: DurationRun, tasksPerCall: number): Rate {
  return {
    tasksPerSecond: (run.done * tasksPerCall) / run.seconds,
    note: run.errors > 0 ? `BullMQ: ${run.errors} calls threw` : undefined,
  };
}

/** POST /api/v1/tasks and /api/v1/tasks/batch on an api-only app with `storage` and the Redis queue. */
async function ours(storage: StorageChoice): Promise<{ single: Rate; batch: Rate }> {
  const prefix = benchPrefix('ours');
  const { app, baseUrl } = await httpApp(storage, prefix);
  try {
    const single = `${baseUrl}/api/v1/tasks`;
    const batch = `${baseUrl}/api/v1/tasks/batch`;
    // Warm-up (not counted): JIT, keep-alive connections, the storage's pool.
    await postLoad({ url: single, body: singleBody, connections: SINGLE_CONNECTIONS, seconds: 1 });
    await postLoad({ url: batch, body: batchBody, connections: BATCH_CONNECTIONS, seconds: 1 });
    const singles = await postLoad({
      url: single,
      body: singleBody,
      connections: SINGLE_CONNECTIONS,
      seconds: SECONDS,
    });
    const batches = await postLoad({ url: batch, body: batchBody, connections: BATCH_CONNECTIONS, seconds: SECONDS });
    return { single: httpRate(singles, 1), batch: httpRate(batches, BATCH) };
  } finally {
    await app.stop();
    await deleteKeys(prefix);
  }
}

/** BullMQ has no HTTP layer: `add` and `addBulk` in process, the same number in flight. */
async function bull(): Promise<{ single: Rate; batch: Rate }> {
  const prefix = benchPrefix('bull');
  const queue = bullQueue(prefix);
  try {
    await queue.waitUntilReady();
    const add = () => queue.add('noop', { i: 1 }, { removeOnComplete: true });
    const addBulk = () => queue.addBulk(noopJobs(BATCH));
    await forDuration(1, SINGLE_CONNECTIONS, add);
    await forDuration(1, BATCH_CONNECTIONS, addBulk);
    const single = await forDuration(SECONDS, SINGLE_CONNECTIONS, add);
    const batch = await forDuration(SECONDS, BATCH_CONNECTIONS, addBulk);
    return { single: callRate(single, 1), batch: callRate(batch, BATCH) };
  } finally {
    await closeBull({ queue, prefix });
  }
}

async function withStorage<T>(kind: 'memory' | 'mysql', work: (storage: StorageChoice) => Promise<T>): Promise<T> {
  if (kind === 'memory') return work({ kind: 'memory' });
  const database = await freshMysqlDatabase();
  try {
    return await work({ kind: 'mysql', url: database.url, poolSize: MYSQL_POOL });
  } finally {
    await database.drop();
  }
}

function joinNotes(...notes: (string | undefined)[]): string | undefined {
  const present = notes.filter((n): n is string => !!n);
  return present.length > 0 ? present.join('; ') : undefined;
}

export const httpCreate: Scenario = {
  name: 'http-create',
  async run() {
    const theirs = await bull();
    const results: Measurement[] = [];
    for (const kind of ['memory', 'mysql'] as const) {
      const mine = await withStorage(kind, ours);
      const label = `${kind} storage + redis queue, ${SECONDS} s`;
      results.push(
        {
          name: 'http-create',
          variant: `${label}: POST /tasks, ${SINGLE_CONNECTIONS} connections vs BullMQ add in process (no HTTP), ${SINGLE_CONNECTIONS} in flight; target ≥ 5 000/s`,
          ours: round(mine.single.tasksPerSecond),
          bullmq: round(theirs.single.tasksPerSecond),
          unit: 'tasks/s',
          higherIsBetter: true,
          note: joinNotes(mine.single.note, theirs.single.note),
        },
        {
          name: 'http-create',
          variant: `${label}: POST /tasks/batch of ${BATCH}, ${BATCH_CONNECTIONS} connections vs BullMQ addBulk(${BATCH}) in process (no HTTP), ${BATCH_CONNECTIONS} in flight; target ratio ≥ 0.5`,
          ours: round(mine.batch.tasksPerSecond),
          bullmq: round(theirs.batch.tasksPerSecond),
          unit: 'tasks/s',
          higherIsBetter: true,
          note: joinNotes(mine.batch.note, theirs.batch.note),
        },
      );
    }
    return results;
  },
};
