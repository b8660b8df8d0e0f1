import type { ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTaskManager, type JsonObject, type Role, type TaskManager } from '../../core/index.ts';
import { localExecutor } from '../../plugins/executor-local/index.ts';
import { loadBalancers } from '../../plugins/load-balancers/index.ts';
import { redisQueue } from '../../plugins/queue-redis/index.ts';
import { memoryStorage } from '../../plugins/storage-memory/index.ts';
import { waitForStatus } from '../helpers/memory-app.ts';
import { freePort, hasRedisServer, startRedisServer, stopRedisServer } from '../helpers/redis-server.ts';
import { waitFor } from '../helpers/wait.ts';

const PREFIX = 'tm:test:interest:';

/**
 * Two apps on one Redis (a private server, so MONITOR sees only them). Task events cross
 * between processes only while some listener wants them: with none, not one message is
 * published on task:events.
 */
describe.skipIf(!hasRedisServer)('cross-process events follow interest', () => {
  let dir: string;
  let server: ChildProcess | undefined;
  let url: string;
  let monitor: Redis | undefined;
  let probe: Redis | undefined;
  const published: string[] = [];
  let runner: TaskManager;
  let listener: TaskManager;

  const app = (nodeId: string, roles: Role[]) =>
    createTaskManager(
      {
        app: { logLevel: 'silent', nodeId },
        roles,
        scheduler: { scanInterval: '20ms' },
        worker: { takeWait: '100ms' },
        redis: { url, prefix: PREFIX },
        taskTypes: [{ taskType: 'echo', executorType: 'local', maxConcurrent: 0 }],
        plugins: [memoryStorage(), redisQueue(), loadBalancers(), localExecutor({ echo: (p: JsonObject) => p })],
      },
      { env: {}, logger: pino({ level: 'silent' }) },
    );

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'tm-interest-'));
    const port = await freePort();
    server = await startRedisServer(port, dir);
    url = `redis://127.0.0.1:${port}`;
    monitor = new Redis(url);
    probe = new Redis(url);
    const feed = await monitor.monitor();
    feed.on('monitor', (_time: string, args: string[]) => {
      if (args[0]?.toLowerCase() === 'publish' && args[1] === `${PREFIX}task:events`) published.push(args[2] ?? '');
    });
    runner = await app('runner', ['api', 'scheduler', 'worker']);
    listener = await app('listener', ['api']);
    await runner.start();
    await listener.start();
  });

  afterAll(async () => {
    await listener?.stop();
    await runner?.stop();
    monitor?.disconnect();
    probe?.disconnect();
    if (server) await stopRedisServer(server);
    await rm(dir, { recursive: true, force: true });
  });

  const run = async (count: number) => {
    const created = await runner.services.tasks.createMany(
      Array.from({ length: count }, (_, i) => ({ taskType: 'echo', payload: { i } })),
    );
    for (const { task } of created) await waitForStatus(runner, task.taskId, ['SUCCESS']);
    return created.map((c) => c.task.taskId);
  };

  it('publishes nothing while no process listens', async () => {
    // Past the first subscriber count (read within a second of start).
    await new Promise((r) => setTimeout(r, 1_200));
    await run(20);
    await new Promise((r) => setTimeout(r, 100));
    expect(published).toEqual([]);
  });

  it('delivers every event once a listener comes, and stops publishing a while after it leaves', async () => {
    const heard = new Set<string>();
    const off = listener.events.on('task_completed', (e) => {
      if (e.remote) heard.add(e.taskId);
    });
    // The listener's process subscribes and announces it; the runner publishes from then on.
    await waitFor(async () => Number(((await probe!.pubsub('NUMSUB', `${PREFIX}task:events`)) as unknown[])[1]) > 0, {
      message: 'the listener to subscribe',
    });
    const ids = await run(20);
    await waitFor(() => ids.every((id) => heard.has(id)), { message: 'every remote task_completed' });

    off();
    // The listener's process unsubscribes 5 s after its last listener left: wait for that in
    // Redis itself, then for one of the runner's interest polls (every second) to notice.
    await waitFor(async () => Number(((await probe!.pubsub('NUMSUB', `${PREFIX}task:events`)) as unknown[])[1]) === 0, {
      timeoutMs: 10_000,
      message: 'the listener to unsubscribe',
    });
    await new Promise((r) => setTimeout(r, 1_200));
    const before = published.length;
    await run(10);
    await new Promise((r) => setTimeout(r, 100));
    expect(published.length).toBe(before);
  }, 20_000);
});
