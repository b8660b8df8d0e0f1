/**
 * One side of the in-flight scenario in its own process, so its memory figures are its own:
 * `node --expose-gc --import tsx bench/lib/inflight-child.ts <ours|bull> <redis prefix> <tasks> <sleep ms>`.
 * Creates the tasks with no worker running, starts one worker with capacity (concurrency) =
 * tasks, and prints `result <json>` (an InflightResult) once all have finished.
 */
import { setTimeout as delay } from 'node:timers/promises';
import { bullQueue, bullWorker, closeBull, startRunning } from './bullmq.ts';
import { exitWithParent } from './child.ts';
import { settledMemory, peakRssMb, rssSampler, type MemoryPoint } from './memory-probe.ts';
import { startWorker, stopApp } from './our-app.ts';
import { TOKENS, type Worker } from './our-core.ts';
import { sleepApp, sleepInputs } from './sleep-app.ts';
import { nowMs, untilCount } from './stats.ts';

export interface InflightResult {
  tasks: number;
  /** Tasks that finished in SUCCESS (ours: read back from storage; BullMQ: `completed` events). */
  succeeded: number;
  failed: number;
  /** Worker start → last task finished. */
  wallMs: number;
  /** After the app (or queue and worker) is up, before any task exists. */
  before: MemoryPoint;
  /** After the last task finished, app still running. */
  after: MemoryPoint;
  /** Highest RSS sampled while the tasks ran. */
  sampledPeakRssMb: number;
  /** The kernel's lifetime peak RSS of this process. */
  peakRssMb: number;
}

const BATCH = 1000;

async function ours(prefix: string, tasks: number, sleepMs: number, deadlineMs: number): Promise<InflightResult> {
  const app = await sleepApp(prefix, tasks);
  let completed = 0;
  let failed = 0;
  const offCompleted = app.events.on('task_completed', () => void completed++, { localOnly: true });
  const offFailed = app.events.on('task_failed', () => void failed++, { localOnly: true });
  let worker: Worker | undefined;
  try {
    const before = settledMemory();
    for (let from = 0; from < tasks; from += BATCH)
      await app.services.tasks.createMany(sleepInputs(Math.min(BATCH, tasks - from), sleepMs, from));
    const sampler = rssSampler();
    const startedAt = nowMs();
    worker = await startWorker(app);
    await untilCount(() => completed + failed, tasks, deadlineMs);
    const wallMs = nowMs() - startedAt;
    const sampledPeakRssMb = sampler.stop();
    const counts = await app.resolve(TOKENS.Storage).countByStatus();
    const after = settledMemory();
    return {
      tasks,
      succeeded: counts.SUCCESS,
      failed,
      wallMs,
      before,
      after,
      sampledPeakRssMb,
      peakRssMb: peakRssMb(),
    };
  } finally {
    offCompleted();
    offFailed();
    await stopApp(app, { worker, prefix });
  }
}

async function bull(prefix: string, tasks: number, sleepMs: number, deadlineMs: number): Promise<InflightResult> {
  const queue = bullQueue(prefix);
  // The same abortable timer as the demo executor's `sleep` (BullMQ passes a signal on cancel).
  const worker = bullWorker(prefix, tasks, async (job, _token, signal) => {
    const ms = (job.data as { ms: number }).ms;
    await delay(ms, undefined, signal ? { signal } : {});
    return { slept_ms: ms };
  });
  let completed = 0;
  let failed = 0;
  worker.on('completed', () => void completed++);
  worker.on('failed', () => void failed++);
  try {
    await queue.waitUntilReady();
    await worker.waitUntilReady();
    const before = settledMemory();
    for (let from = 0; from < tasks; from += BATCH) {
      const jobs = Array.from({ length: Math.min(BATCH, tasks - from) }, (_, i) => ({
        name: 'sleep',
        data: { ms: sleepMs, i: from + i },
        opts: { removeOnComplete: true },
      }));
      await queue.addBulk(jobs);
    }
    const sampler = rssSampler();
    const startedAt = nowMs();
    startRunning(worker);
    await untilCount(() => completed + failed, tasks, deadlineMs);
    const wallMs = nowMs() - startedAt;
    const sampledPeakRssMb = sampler.stop();
    const after = settledMemory();
    return { tasks, succeeded: completed, failed, wallMs, before, after, sampledPeakRssMb, peakRssMb: peakRssMb() };
  } finally {
    await closeBull({ queue, worker, prefix });
  }
}

const [side, prefix, tasksArg, sleepArg, deadlineArg] = process.argv.slice(2);
if ((side !== 'ours' && side !== 'bull') || !prefix || !tasksArg || !sleepArg) {
  throw new Error('usage: inflight-child.ts <ours|bull> <redis prefix> <tasks> <sleep ms> [deadline ms]');
}
exitWithParent();
const run = side === 'ours' ? ours : bull;
const result = await run(prefix, Number(tasksArg), Number(sleepArg), Number(deadlineArg ?? 60_000));
console.log(`result ${JSON.stringify(result)}`);
process.exit(0);
