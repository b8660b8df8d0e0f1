import { bullQueue, bullWorker, closeBull, preAdd, startRunning } from '../lib/bullmq.ts';
import { completionCounter, ourApp, precreate, startWorker, stopApp, type QueueKind } from '../lib/our-app.ts';
import { benchPrefix } from '../lib/redis-keys.ts';
import type { Measurement, Scenario } from '../lib/result.ts';
import { nowMs, quick, round, untilCount } from '../lib/stats.ts';

/** Tasks per drain; a run that has not finished by the deadline reports what it did so far. */
const N = Number(process.env.BENCH_DRAIN_N ?? (quick ? 2_000 : 20_000));
const DEADLINE_MS = quick ? 10_000 : 40_000;

interface Drained {
  perSecond: number;
  done: number;
  seconds: number;
}

function rate(done: number, startedAt: number): Drained {
  const seconds = (nowMs() - startedAt) / 1000;
  return { perSecond: done / seconds, done, seconds };
}

/** N no-op tasks created with no worker running; then one worker of `capacity` drains them. */
async function drainOurs(queue: QueueKind, capacity: number): Promise<Drained> {
  const prefix = queue === 'redis' ? benchPrefix('ours') : undefined;
  const app = await ourApp({ queue, prefix, capacity, worker: false });
  const completed = completionCounter(app);
  let worker;
  try {
    await precreate(app, N);
    const startedAt = nowMs();
    worker = await startWorker(app);
    await untilCount(completed.count, N, DEADLINE_MS);
    return rate(completed.count(), startedAt);
  } finally {
    completed.off();
    await stopApp(app, { worker, prefix });
  }
}

async function drainBull(concurrency: number): Promise<Drained> {
  const prefix = benchPrefix('bull');
  const queue = bullQueue(prefix);
  let done = 0;
  const worker = bullWorker(prefix, concurrency, async () => null);
  worker.on('completed', () => {
    done++;
  });
  try {
    await preAdd(queue, N);
    await worker.waitUntilReady();
    const startedAt = nowMs();
    startRunning(worker);
    await untilCount(() => done, N, DEADLINE_MS);
    return rate(done, startedAt);
  } finally {
    await closeBull({ queue, worker, prefix });
  }
}

function note(ours: Drained, bull: Drained): string | undefined {
  const partial = [ours.done < N ? `ours ${ours.done}/${N}` : '', bull.done < N ? `BullMQ ${bull.done}/${N}` : ''].filter(Boolean);
  return partial.length > 0 ? `deadline ${DEADLINE_MS / 1000} s reached: ${partial.join(', ')}` : undefined;
}

export const drain: Scenario = {
  name: 'drain',
  async run() {
    const results: Measurement[] = [];
    for (const queue of ['memory', 'redis'] as const) {
      for (const capacity of [10, 100]) {
        const ours = await drainOurs(queue, capacity);
        const bull = await drainBull(capacity);
        results.push({
          name: 'drain',
          variant: `memory storage + ${queue} queue, ${N} no-op, capacity ${capacity}`,
          ours: round(ours.perSecond),
          bullmq: round(bull.perSecond),
          unit: 'tasks/s',
          higherIsBetter: true,
          note: note(ours, bull),
        });
      }
    }
    return results;
  },
};
