import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { createConnection } from 'mysql2/promise';
import { DISTRIBUTED_CONFIG, distributedApp } from '../lib/distributed-app.ts';
import { freshMysqlDatabase, type BenchDatabase } from '../lib/mysql-database.ts';
import { precreate } from '../lib/our-app.ts';
import { benchPrefix, deleteKeys, REDIS_URL } from '../lib/redis-keys.ts';
import type { Measurement, Scenario } from '../lib/result.ts';
import { nowMs, quick, round, sleep } from '../lib/stats.ts';

const PROCESS_COUNTS = [1, 2, 4] as const;
const TASKS = quick ? 15_000 : 40_000;
const CAPACITY = 10;
const DEADLINE_MS = quick ? 15_000 : 40_000;
const BIN = fileURLToPath(new URL('../../bin/taskmanager.mjs', import.meta.url));

/** `taskmanager start` with the distributed example as a deployment runs it: one scheduler+worker process. */
function startProcess(index: number, database: BenchDatabase, prefix: string): ChildProcess {
  return spawn(process.execPath, [BIN, 'start', '--config', DISTRIBUTED_CONFIG], {
    env: {
      ...process.env,
      TM_MYSQL_URL: database.url,
      TM_REDIS_URL: REDIS_URL,
      TM_REDIS_PREFIX: `${prefix}:`,
      TM_ROLES: 'scheduler,worker',
      TM_NODE_ID: `bench-${index}`,
      TM_WORKER_CAPACITY: String(CAPACITY),
      TM_GRPC_PORT: '0',
      TM_APP_LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
}

/** SUCCESS rows, read from MySQL: the processes' events stay in their processes. */
async function successCount(database: BenchDatabase): Promise<number> {
  const connection = await createConnection(database.url);
  try {
    const [rows] = await connection.query("SELECT COUNT(*) AS n FROM task WHERE status = 'SUCCESS'");
    return Number((rows as { n: number }[])[0]?.n ?? 0);
  } finally {
    await connection.end();
  }
}

/**
 * TASKS echo tasks queued on MySQL + Redis, then `processes` scheduler+worker processes of
 * the distributed example drain them. The rate is taken between the first completion and the
 * last (process start-up, seconds of tsx and connections, is not in it).
 */
async function drainWith(processes: number): Promise<{ perSecond: number; note?: string }> {
  const database = await freshMysqlDatabase();
  const prefix = benchPrefix('ours');
  const children: ChildProcess[] = [];
  try {
    const api = await distributedApp({
      mysqlUrl: database.url,
      prefix,
      capacity: CAPACITY,
      worker: false,
      roles: 'api',
    });
    try {
      await precreate(api, TASKS, 0, 2, 'echo');
      for (let i = 0; i < processes; i++) children.push(startProcess(i, database, prefix));
      // Timed from the moment every process's worker is registered: start-up (loading tsx,
      // connecting) is not scale-out, and the first process drains while the others boot.
      const started = nowMs();
      while ((await api.services.cluster.workers()).length < processes) {
        if (nowMs() - started > 60_000)
          return { perSecond: 0, note: `only some of ${processes} workers registered in 60 s` };
        await sleep(50);
      }
      const fromAt = nowMs();
      const fromCount = await successCount(database);
      let count = fromCount;
      while (count < TASKS && nowMs() - fromAt < DEADLINE_MS) {
        await sleep(100);
        count = await successCount(database);
      }
      const perSecond = (count - fromCount) / ((nowMs() - fromAt) / 1000);
      const notes = [`${fromCount} of ${TASKS} already done when the last worker registered`];
      if (count < TASKS) notes.push(`deadline: ${count}/${TASKS}`);
      return { perSecond, note: notes.join('; ') };
    } finally {
      await api.stop();
    }
  } finally {
    for (const child of children) child.kill('SIGTERM');
    await Promise.all(children.map((child) => (child.exitCode === null ? once(child, 'exit') : undefined)));
    await deleteKeys(prefix);
    await database.drop();
  }
}

/**
 * Scale-out of the durable setup: 1, 2 and 4 scheduler+worker processes of the distributed
 * example on one MySQL and one Redis (one leader schedules for all). No BullMQ column: the
 * curve is the result. On a 2-core machine it flattens early; docs/benchmarks.md says where
 * and why.
 */
export const scaleOut: Scenario = {
  name: 'scale-out',
  async run() {
    const results: Measurement[] = [];
    for (const processes of PROCESS_COUNTS) {
      const { perSecond, note } = await drainWith(processes);
      results.push({
        name: 'scale-out',
        variant: `MySQL + Redis, ${processes} scheduler+worker process${processes > 1 ? 'es' : ''} (capacity ${CAPACITY} each), ${TASKS} echo`,
        ours: round(perSecond),
        bullmq: null,
        unit: 'tasks/s',
        higherIsBetter: true,
        ...(note ? { note } : {}),
      });
    }
    return results;
  },
};
