/**
 * A task storage has PROCESSING on a live worker whose dispatch never reached that worker's
 * queue (Redis lost its latest writes in a failover or a restart without fsync) is dispatched
 * again by the reconciliation pass, instead of waiting out its whole timeout.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { TOKENS, type Plugin, type TaskManager } from '../../core/index.ts';
import { memoryQueue } from '../../plugins/queue-memory/index.ts';
import { redisQueue } from '../../plugins/queue-redis/index.ts';
import { memoryApp, waitForStatus } from '../helpers/memory-app.ts';
import { REDIS_URL, redisAvailability, uniqueSuffix } from '../helpers/services.ts';
import { deleteKeys } from './support/redis-queue-harness.ts';

const redis = await redisAvailability();
const prefix = `tm:test:${uniqueSuffix('lost_dispatch')}:`;

const queues: { name: string; available: boolean; make: () => Plugin; cleanup: () => Promise<void> }[] = [
  { name: 'memory', available: true, make: () => memoryQueue(), cleanup: async () => {} },
  {
    name: 'redis',
    available: redis.available,
    make: () => redisQueue({ url: REDIS_URL, prefix }),
    cleanup: () => deleteKeys(REDIS_URL, prefix),
  },
];

describe.each(queues)('a lost dispatch on the $name queue', ({ available, make, cleanup }) => {
  let app: TaskManager | undefined;

  afterEach(async () => {
    await app?.stop();
    await cleanup();
  });

  it.skipIf(!available)('is dispatched again to its worker by reconcile(), and runs once', async () => {
    let runs = 0;
    app = await memoryApp({
      handlers: { job: () => void runs++ },
      queue: make(),
      config: { app: { crossProcessEvents: false }, scheduler: { reconcileGrace: '1s', reconcileInterval: '1h' } },
    });
    await app.start();
    await waitForStatus(app, (await app.services.tasks.create({ taskType: 'job', payload: {} })).task.taskId, [
      'SUCCESS',
    ]);

    // Written PROCESSING for our worker a minute ago, and in none of its lists: the dispatch was lost.
    const { task } = await app.services.tasks.create({
      taskType: 'job',
      payload: {},
      runAt: new Date(Date.now() + 3_600_000),
    });
    const storage = app.resolve(TOKENS.Storage);
    const startedAt = new Date(Date.now() - 60_000);
    const { applied } = await storage.transition([
      {
        taskId: task.taskId,
        from: 'PENDING',
        to: 'PROCESSING',
        patch: { workerId: app.worker!.id, startedAt },
        logs: [],
        at: startedAt,
      },
    ]);
    expect(applied).toEqual([task.taskId]);

    expect(await app.scheduler!.reconcile()).toBe(1);
    await waitForStatus(app, task.taskId, ['SUCCESS']);
    expect(runs).toBe(2);
    // Nothing left to find: the next pass does nothing.
    expect(await app.scheduler!.reconcile()).toBe(0);
  });
});
