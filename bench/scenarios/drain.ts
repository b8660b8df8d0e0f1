import { bullQueue, bullWorker, closeBull, preAdd, startRunning } from '../lib/bullmq.ts';
import { bullPgQueue, bullPgWorker, closePg, preAddPg } from '../lib/bullmq-postgres.ts';
import { distributedApp } from '../lib/distributed-app.ts';
import {
  drainBudget,
  DRAIN_CONCURRENCIES,
  DRAIN_SETUPS,
  type DrainBudget,
  type DrainSetup,
} from '../lib/drain-budget.ts';
import { freshMysqlDatabase } from '../lib/mysql-database.ts';
import { freshPostgresSchema } from '../lib/postgres-schema.ts';
import { completionCounter, ourApp, precreate, startWorker, stopApp } from '../lib/our-app.ts';
import type { TaskManager, Worker } from '../lib/our-core.ts';
import { benchPrefix } from '../lib/redis-keys.ts';
import type { Measurement, Scenario } from '../lib/result.ts';
import { nowMs, round, untilCount } from '../lib/stats.ts';

const WARMUP: DrainBudget = { n: 2_000, deadlineMs: 5_000 };
/** The distributed example's no-op type (the demo executor echoes the payload). */
const ECHO_TYPE = 'echo';

export interface Drained {
  perSecond: number;
  done: number;
  n: number;
  seconds: number;
}

function rate(done: number, n: number, startedAt: number): Drained {
  const seconds = (nowMs() - startedAt) / 1000;
  return { perSecond: done / seconds, done, n, seconds };
}

/** A durable app on a fresh database (MySQL) or schema (PostgreSQL), and how to drop it. */
async function durableApp(
  setup: DrainSetup,
  prefix: string,
  capacity: number,
): Promise<{ app: TaskManager; drop(): Promise<void> }> {
  if (setup.storage === 'postgres') {
    const schema = await freshPostgresSchema();
    try {
      const app = await distributedApp({ postgres: schema, prefix, capacity, worker: false });
      return { app, drop: schema.drop };
    } catch (error) {
      await schema.drop();
      throw error;
    }
  }
  const database = await freshMysqlDatabase();
  try {
    const app = await distributedApp({ mysqlUrl: database.url, prefix, capacity, worker: false });
    return { app, drop: database.drop };
  } catch (error) {
    await database.drop();
    throw error;
  }
}

/**
 * `budget.n` no-op tasks created with no worker running; then one worker of `capacity` drains
 * them, timed from its start to the n-th task_completed (emitted once the outcome is durable)
 * or to the deadline, whichever comes first. MySQL + Redis runs examples/distributed as a user
 * deploys it, PostgreSQL + Redis examples/postgres; the memory setups are in-process apps with
 * every setting at its default.
 */
export async function drainOurs(setup: DrainSetup, capacity: number, budget: DrainBudget): Promise<Drained> {
  const prefix = setup.queue === 'redis' ? benchPrefix('ours') : undefined;
  const durable = setup.storage === 'memory' ? undefined : await durableApp(setup, prefix!, capacity);
  try {
    const app: TaskManager = durable
      ? durable.app
      : await ourApp({ queue: setup.queue, prefix, capacity, worker: false });
    const completed = completionCounter(app);
    let worker: Worker | undefined;
    try {
      await precreate(app, budget.n, 0, durable ? 2 : 1, durable ? ECHO_TYPE : undefined);
      const startedAt = nowMs();
      worker = await startWorker(app);
      await untilCount(completed.count, budget.n, budget.deadlineMs);
      return rate(completed.count(), budget.n, startedAt);
    } finally {
      completed.off();
      await stopApp(app, { worker, prefix });
    }
  } finally {
    await durable?.drop();
  }
}

export async function drainBull(concurrency: number, budget: DrainBudget): Promise<Drained> {
  const prefix = benchPrefix('bull');
  const queue = bullQueue(prefix);
  let done = 0;
  const worker = bullWorker(prefix, concurrency, async () => null);
  worker.on('completed', () => {
    done++;
  });
  try {
    await preAdd(queue, budget.n);
    await worker.waitUntilReady();
    const startedAt = nowMs();
    startRunning(worker);
    await untilCount(() => done, budget.n, budget.deadlineMs);
    return rate(done, budget.n, startedAt);
  } finally {
    await closeBull({ queue, worker, prefix });
  }
}

/** BullMQ 6.7 on its PostgreSQL backend: durable like our MySQL row, on the database most teams run. */
export async function drainBullPostgres(concurrency: number, budget: DrainBudget): Promise<Drained> {
  const queue = await bullPgQueue();
  let done = 0;
  const worker = await bullPgWorker(queue, concurrency, async () => null);
  worker.on('completed', () => {
    done++;
  });
  try {
    await preAddPg(queue, budget.n);
    const startedAt = nowMs();
    startRunning(worker);
    await untilCount(() => done, budget.n, budget.deadlineMs);
    return rate(done, budget.n, startedAt);
  } finally {
    await closePg({ queue, worker });
  }
}

/** "deadline …: ours 812/50000 in 10.0 s": bench/chart.ts marks such bars as partial. */
function note(
  ours: Drained,
  ourBudget: DrainBudget,
  other: Drained,
  otherBudget: DrainBudget,
  otherName = 'BullMQ',
): string | undefined {
  const partial = [
    ours.done < ours.n
      ? `ours ${ours.done}/${ours.n} in ${ours.seconds.toFixed(1)} s (deadline ${ourBudget.deadlineMs / 1000} s)`
      : '',
    other.done < other.n
      ? `${otherName} ${other.done}/${other.n} in ${other.seconds.toFixed(1)} s (deadline ${otherBudget.deadlineMs / 1000} s)`
      : '',
  ].filter(Boolean);
  return partial.length > 0 ? `deadline reached, rate so far: ${partial.join(', ')}` : undefined;
}

/**
 * Drain matrix: our four storage/queue setups × worker concurrency 1, 10, 100, each against
 * a BullMQ Worker of the same concurrency on Redis; and our durable setups (MySQL, PostgreSQL)
 * against BullMQ on its PostgreSQL backend. BullMQ has no storage/queue choice, so each BullMQ is measured once
 * per concurrency per run and that figure is the comparison of every row it appears in.
 */
export const drain: Scenario = {
  name: 'drain',
  async run() {
    const results: Measurement[] = [];
    // Untimed: JIT-compile our pipeline so the first timed variant does not pay for it.
    await drainOurs(DRAIN_SETUPS[0] as DrainSetup, 10, WARMUP);
    for (const concurrency of DRAIN_CONCURRENCIES) {
      const bullBudget = drainBudget('bullmq', concurrency);
      const bull = await drainBull(concurrency, bullBudget);
      const pgBudget = drainBudget('bullmq-postgres', concurrency);
      const bullPg = await drainBullPostgres(concurrency, pgBudget);
      for (const setup of DRAIN_SETUPS) {
        const budget = drainBudget(setup.id, concurrency);
        const ours = await drainOurs(setup, concurrency, budget);
        results.push({
          name: 'drain',
          variant: `${setup.label}, concurrency ${concurrency}, ${budget.n} no-op (BullMQ on Redis: one c${concurrency} run shared by ${DRAIN_SETUPS.length} rows)`,
          ours: round(ours.perSecond),
          bullmq: round(bull.perSecond),
          unit: 'tasks/s',
          higherIsBetter: true,
          note: note(ours, budget, bull, bullBudget),
          chart: { series: setup.label, x: concurrency },
        });
        if (setup.storage === 'memory') continue;
        results.push({
          name: 'drain',
          variant: `${setup.label}, concurrency ${concurrency}, vs BullMQ on PostgreSQL (${pgBudget.n} no-op; both durable)`,
          ours: round(ours.perSecond),
          bullmq: round(bullPg.perSecond),
          unit: 'tasks/s',
          higherIsBetter: true,
          note: note(ours, budget, bullPg, pgBudget, 'BullMQ on PostgreSQL'),
        });
      }
    }
    return results;
  },
};
