import type { ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTaskManager, type JsonObject, type TaskManager } from '../../core/index.ts';
import { localExecutor } from '../../plugins/executor-local/index.ts';
import { loadBalancers } from '../../plugins/load-balancers/index.ts';
import { redisQueue } from '../../plugins/queue-redis/index.ts';
import { memoryStorage } from '../../plugins/storage-memory/index.ts';
import { waitForStatus } from '../helpers/memory-app.ts';
import { freePort, hasRedisServer, startRedisServer, stopRedisServer } from '../helpers/redis-server.ts';

/**
 * Tasks created while Redis is down are stored (the API answers 201) and must run as soon as
 * Redis answers again: not after the next reconciliation pass, which is set to a minute here
 * so that only the prompt re-queue can pass the test.
 */
describe.skipIf(!hasRedisServer)('tasks created during a Redis outage', () => {
  let dir: string;
  let port: number;
  let server: ChildProcess | undefined;
  let app: TaskManager | undefined;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'tm-redis-outage-'));
    port = await freePort();
    server = await startRedisServer(port, dir);
    app = await createTaskManager(
      {
        app: { logLevel: 'silent', crossProcessEvents: false },
        scheduler: {
          scanInterval: '20ms',
          reconcileInterval: '60s',
          leaderLockTtl: '2s',
          leaderRenewInterval: '500ms',
        },
        worker: { takeWait: '200ms' },
        redis: { url: `redis://127.0.0.1:${port}`, prefix: 'tm:test:outage:' },
        taskTypes: [{ taskType: 'echo', executorType: 'local', maxConcurrent: 0 }],
        plugins: [memoryStorage(), redisQueue(), loadBalancers(), localExecutor({ echo: (p: JsonObject) => p })],
      },
      { env: {}, logger: pino({ level: 'silent' }) },
    );
    await app.start();
  });

  afterAll(async () => {
    await app?.stop();
    if (server) await stopRedisServer(server);
    await rm(dir, { recursive: true, force: true });
  });

  it('are stored while it is down and run within seconds of its return, delayed ones included', async () => {
    const tasks = app!.services.tasks;
    const before = await tasks.create({ taskType: 'echo', payload: { before: true } });
    await waitForStatus(app!, before.task.taskId, ['SUCCESS']);

    await stopRedisServer(server!);
    const during = await tasks.createMany(Array.from({ length: 10 }, (_, i) => ({ taskType: 'echo', payload: { i } })));
    const delayed = await tasks.create({ taskType: 'echo', payload: { delayed: true }, delayMs: 1_500 });
    expect(during.every((c) => c.created && c.task.status === 'PENDING')).toBe(true);

    server = await startRedisServer(port, dir);
    const back = Date.now();
    for (const { task } of [...during, delayed]) await waitForStatus(app!, task.taskId, ['SUCCESS'], 15_000);
    // Leadership and the worker's consumer come back too; all of it well inside the reconcile interval.
    expect(Date.now() - back).toBeLessThan(15_000);
  });
});
