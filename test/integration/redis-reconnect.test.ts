import type { ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorCode } from '../../core/index.ts';
import { freePort, hasRedisServer, startRedisServer, stopRedisServer } from '../helpers/redis-server.ts';
import { waitFor } from '../helpers/wait.ts';
import { startRedisQueue } from './support/redis-queue-harness.ts';
import type { StartedRedisQueue } from './support/redis-queue-harness.ts';

/** A worker with room for anything, so a claim is bounded by its limit only. */
const ROOMY = [{ workerId: 'roomy', maxLoad: Number.MAX_SAFE_INTEGER }];

describe.skipIf(!hasRedisServer)('queue-redis across a Redis restart', () => {
  let dir: string;
  let port: number;
  let server: ChildProcess | undefined;
  let subject: StartedRedisQueue | undefined;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'tm-redis-restart-'));
    port = await freePort();
    server = await startRedisServer(port, dir);
    subject = await startRedisQueue({ url: `redis://127.0.0.1:${port}`, prefix: 'tm:test:restart:' });
  });

  afterAll(async () => {
    await subject?.stop();
    if (server) await stopRedisServer(server);
    await rm(dir, { recursive: true, force: true });
  });

  it('fails fast while Redis is down, reconnects by itself, and keeps the queued ids', async () => {
    const { queue, coordination } = subject!;
    const ids = Array.from({ length: 50 }, (_, i) => `restart-${i}`);
    await queue.enqueue(ids.map((taskId, i) => ({ taskId, priority: i % 5 === 0 ? 1 : 0 })));

    await stopRedisServer(server!);

    const started = Date.now();
    await expect(queue.claimFor(ROOMY, 10)).rejects.toMatchObject({ code: ErrorCode.DEPENDENCY_UNAVAILABLE });
    await expect(coordination.leader.tryAcquire('leader', 5_000)).rejects.toMatchObject({
      code: ErrorCode.DEPENDENCY_UNAVAILABLE,
    });
    await expect(queue.ackAndTake('w1', [], 5, 200)).rejects.toMatchObject({ code: ErrorCode.DEPENDENCY_UNAVAILABLE });
    expect(Date.now() - started).toBeLessThan(10_000);

    server = await startRedisServer(port, dir);
    await waitFor(
      () =>
        queue.ping().then(
          () => true,
          () => false,
        ),
      {
        timeoutMs: 10_000,
        intervalMs: 50,
        message: 'the plugin to reconnect',
      },
    );

    // The subscriber re-subscribes by itself: a schedule (which publishes a wake-up) wakes
    // the leader's wait again. Re-scheduling the same far-future probe changes nothing else.
    await waitFor(
      async () => {
        const waking = queue.waitForWork(1_000);
        const wakeStarted = Date.now();
        await queue.schedule([{ taskId: 'wake-probe', priority: 0, dueAt: new Date(Date.now() + 3_600_000) }]);
        await waking;
        return Date.now() - wakeStarted < 500;
      },
      { timeoutMs: 10_000, message: 'wake-ups after the restart' },
    );

    const expectedOrder = [...ids.filter((_, i) => i % 5 === 0), ...ids.filter((_, i) => i % 5 !== 0)];
    const claimed = (await queue.claimFor(ROOMY, 100)).claimed.map((e) => e.taskId);
    expect(claimed).toEqual(expectedOrder);
  });
});
