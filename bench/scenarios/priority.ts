import { bullQueue, bullWorker, closeBull, preAdd, startRunning } from '../lib/bullmq.ts';
import { completionCounter, ourApp, precreate, startWorker, stopApp, NOOP_TYPE } from '../lib/our-app.ts';
import type { Worker } from '../lib/our-core.ts';
import { benchPrefix } from '../lib/redis-keys.ts';
import type { Measurement, Scenario } from '../lib/result.ts';
import { nowMs, quick, round, untilCount } from '../lib/stats.ts';

const BACKLOG = quick ? 2_000 : 10_000;
/** The HIGH task is created once the worker is draining the backlog (steady state, not cold start). */
const DRAINED_BEFORE_HIGH = 200;
const CAPACITY = 10;
const WAIT_MS = 10_000;
const HIGH_MARK = -1;

/**
 * One HIGH task behind BACKLOG queued NORMAL ones (created while no worker runs); the worker
 * starts, and after DRAINED_BEFORE_HIGH completions the HIGH task is created: ms from its
 * create call to its handler's entry.
 */
async function ours(): Promise<{ ms: number; behind: number }> {
  const prefix = benchPrefix('ours');
  let createdAt = 0;
  let startedAt = 0;
  const app = await ourApp({
    queue: 'redis',
    prefix,
    capacity: CAPACITY,
    worker: false,
    handler: (payload) => {
      if (payload.i === HIGH_MARK) startedAt = nowMs();
      return null;
    },
  });
  const completed = completionCounter(app);
  let worker: Worker | undefined;
  try {
    await precreate(app, BACKLOG, 0);
    worker = await startWorker(app);
    await untilCount(completed.count, DRAINED_BEFORE_HIGH, WAIT_MS);
    createdAt = nowMs();
    await app.services.tasks.create({ taskType: NOOP_TYPE, priority: 1, payload: { i: HIGH_MARK } });
    await untilCount(() => (startedAt > 0 ? 1 : 0), 1, WAIT_MS);
    return { ms: startedAt > 0 ? startedAt - createdAt : Number.NaN, behind: BACKLOG - completed.count() };
  } finally {
    completed.off();
    await stopApp(app, { worker, prefix });
  }
}

/** BullMQ: NORMAL = priority 2, HIGH = priority 1 (unprioritised jobs would run before any prioritised one). */
async function bull(): Promise<{ ms: number; behind: number }> {
  const prefix = benchPrefix('bull');
  const queue = bullQueue(prefix);
  let createdAt = 0;
  let startedAt = 0;
  let done = 0;
  const worker = bullWorker(prefix, CAPACITY, async (job) => {
    if ((job.data as { i: number }).i === HIGH_MARK) startedAt = nowMs();
    return null;
  });
  worker.on('completed', () => {
    done++;
  });
  try {
    await preAdd(queue, BACKLOG, 2);
    await worker.waitUntilReady();
    startRunning(worker);
    await untilCount(() => done, DRAINED_BEFORE_HIGH, WAIT_MS);
    createdAt = nowMs();
    await queue.add('noop', { i: HIGH_MARK }, { priority: 1, removeOnComplete: true });
    await untilCount(() => (startedAt > 0 ? 1 : 0), 1, WAIT_MS);
    return { ms: startedAt > 0 ? startedAt - createdAt : Number.NaN, behind: BACKLOG - done };
  } finally {
    await closeBull({ queue, worker, prefix });
  }
}

export const priority: Scenario = {
  name: 'priority',
  async run() {
    const mine = await ours();
    const theirs = await bull();
    const result: Measurement = {
      name: 'priority',
      variant: `memory storage + redis queue: HIGH behind ${BACKLOG} NORMAL, create → start, capacity ${CAPACITY}`,
      ours: round(mine.ms, 2),
      bullmq: round(theirs.ms, 2),
      unit: 'ms',
      higherIsBetter: false,
      note: `tasks still queued when HIGH was created: ours ~${mine.behind}, BullMQ ~${theirs.behind}`,
    };
    return [result];
  },
};
