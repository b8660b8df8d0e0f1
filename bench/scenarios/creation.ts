import { bullQueue, closeBull, noopJobs } from '../lib/bullmq.ts';
import { noopInputs, ourApp, stopApp, NOOP_TYPE, type QueueKind } from '../lib/our-app.ts';
import { benchPrefix } from '../lib/redis-keys.ts';
import type { Measurement, Scenario } from '../lib/result.ts';
import { inFlight, nowMs, quick, round } from '../lib/stats.ts';

const BATCHES = quick ? 3 : 20;
const BATCH = 1000;
const SINGLES = quick ? 1_000 : 5_000;
const SINGLE_CONCURRENCY = 32;

interface Creator {
  batch(from: number): Promise<unknown>;
  single(i: number): Promise<unknown>;
  close(): Promise<void>;
}

/** API role only: no scheduler or worker touches the tasks, so only creation is timed. */
async function ours(queue: QueueKind): Promise<Creator> {
  const prefix = queue === 'redis' ? benchPrefix('ours') : undefined;
  const app = await ourApp({ queue, prefix, roles: ['api'] });
  const tasks = app.services.tasks;
  return {
    batch: (from) => tasks.createMany(noopInputs(BATCH, 0, from)),
    single: (i) => tasks.create({ taskType: NOOP_TYPE, payload: { i } }),
    close: () => stopApp(app, { prefix }),
  };
}

async function bull(): Promise<Creator> {
  const prefix = benchPrefix('bull');
  const queue = bullQueue(prefix);
  await queue.waitUntilReady();
  return {
    batch: (from) => queue.addBulk(noopJobs(BATCH, undefined, from)),
    single: (i) => queue.add('noop', { i }, { removeOnComplete: true }),
    close: () => closeBull({ queue, prefix }),
  };
}

async function measure(open: () => Promise<Creator>): Promise<{ batch: number; single: number }> {
  const creator = await open();
  try {
    // Warm-up (not timed): JIT and connections.
    await creator.batch(0);
    await inFlight(100, SINGLE_CONCURRENCY, (i) => creator.single(i));
    let start = nowMs();
    for (let b = 0; b < BATCHES; b++) await creator.batch(b * BATCH);
    const batch = (BATCHES * BATCH) / ((nowMs() - start) / 1000);
    start = nowMs();
    await inFlight(SINGLES, SINGLE_CONCURRENCY, (i) => creator.single(i));
    const single = SINGLES / ((nowMs() - start) / 1000);
    return { batch, single };
  } finally {
    await creator.close();
  }
}

export const creation: Scenario = {
  name: 'creation',
  async run() {
    const results: Measurement[] = [];
    for (const queue of ['redis', 'memory'] as const) {
      const mine = await measure(() => ours(queue));
      const bullmq = await measure(bull);
      const storage = `memory storage + ${queue} queue`;
      results.push(
        {
          name: 'creation',
          variant: `${storage}: createMany(${BATCH}) × ${BATCHES} vs addBulk`,
          ours: round(mine.batch),
          bullmq: round(bullmq.batch),
          unit: 'tasks/s',
          higherIsBetter: true,
        },
        {
          name: 'creation',
          variant: `${storage}: create × ${SINGLES}, ${SINGLE_CONCURRENCY} in flight vs add`,
          ours: round(mine.single),
          bullmq: round(bullmq.single),
          unit: 'tasks/s',
          higherIsBetter: true,
        },
      );
    }
    return results;
  },
};
