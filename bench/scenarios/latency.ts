import { bullQueue, bullWorker, closeBull, startRunning } from '../lib/bullmq.ts';
import { ourApp, stopApp, NOOP_TYPE } from '../lib/our-app.ts';
import { pacedLatency, type LatencySummary } from '../lib/paced.ts';
import { benchPrefix } from '../lib/redis-keys.ts';
import type { Measurement, Scenario } from '../lib/result.ts';
import { quick } from '../lib/stats.ts';

const RATE = 200;
const SECONDS = quick ? 2 : 5;
const WARMUP = 100;
const CAPACITY = 100;

type Probe = ReturnType<typeof pacedLatency>;

/** Memory storage + Redis queue, all roles in one process: create → handler entry. */
async function ours(): Promise<LatencySummary> {
  const prefix = benchPrefix('ours');
  let probe: Probe = pacedLatency(RATE, WARMUP);
  const app = await ourApp({
    queue: 'redis',
    prefix,
    capacity: CAPACITY,
    handler: (payload) => {
      probe.started(payload.i as number);
      return null;
    },
  });
  try {
    const create = (i: number) => app.services.tasks.create({ taskType: NOOP_TYPE, payload: { i } });
    await probe.run(create);
    probe = pacedLatency(RATE, RATE * SECONDS);
    return await probe.run(create);
  } finally {
    await stopApp(app, { prefix });
  }
}

/** queue.add → processor entry, worker concurrency 100 on the same Redis. */
async function bull(): Promise<LatencySummary> {
  const prefix = benchPrefix('bull');
  const queue = bullQueue(prefix);
  let probe: Probe = pacedLatency(RATE, WARMUP);
  const worker = bullWorker(prefix, CAPACITY, async (job) => {
    probe.started((job.data as { i: number }).i);
    return null;
  });
  try {
    await worker.waitUntilReady();
    startRunning(worker);
    const add = (i: number) => queue.add('noop', { i }, { removeOnComplete: true });
    await probe.run(add);
    probe = pacedLatency(RATE, RATE * SECONDS);
    return await probe.run(add);
  } finally {
    await closeBull({ queue, worker, prefix });
  }
}

export const latency: Scenario = {
  name: 'latency',
  async run() {
    const mine = await ours();
    const theirs = await bull();
    const note = mine.started < mine.sent || theirs.started < theirs.sent
      ? `started: ours ${mine.started}/${mine.sent}, BullMQ ${theirs.started}/${theirs.sent}`
      : undefined;
    return (['p50', 'p95', 'p99'] as const).map((p): Measurement => ({
      name: 'latency',
      variant: `memory storage + redis queue: create → executor start ${p}, ${RATE}/s for ${SECONDS} s`,
      ours: mine[p],
      bullmq: theirs[p],
      unit: 'ms',
      higherIsBetter: false,
      note,
    }));
  },
};
