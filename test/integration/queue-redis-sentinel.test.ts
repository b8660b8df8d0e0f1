/**
 * queue-redis through Redis Sentinel, for real: a primary, a replica and three sentinels of
 * the test's own, an app on them under a steady load of tasks, and two failovers in a row (a
 * SENTINEL FAILOVER, then kill -9 of the new primary). The clients follow the sentinels to
 * each new primary by themselves, and every task created runs to SUCCESS exactly once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TaskManager } from '../../core/index.ts';
import { redisQueue } from '../../plugins/queue-redis/index.ts';
import { memoryApp } from '../helpers/memory-app.ts';
import { hasRedisServer } from '../helpers/redis-server.ts';
import { redisCommand, SentinelTopology } from '../helpers/redis-topology.ts';
import { waitFor } from '../helpers/wait.ts';

describe.skipIf(!hasRedisServer)('queue-redis through Redis Sentinel', () => {
  let topology: SentinelTopology;
  let app: TaskManager;
  const measured: string[] = [];

  beforeAll(async () => {
    topology = await SentinelTopology.start();
    app = await memoryApp({
      handlers: { job: () => new Promise((r) => setTimeout(() => r(null), 5)) },
      queue: redisQueue({
        sentinel: { name: SentinelTopology.MASTER_NAME, sentinels: topology.sentinels },
        prefix: 'tm:sentinel:',
      }),
      config: {
        app: { crossProcessEvents: false },
        scheduler: { leaderLockTtl: '2s', leaderRenewInterval: '500ms', reconcileInterval: '1s', reconcileGrace: '1s' },
        worker: { heartbeatInterval: '500ms', heartbeatTimeout: '5s' },
      },
    });
    await app.start();
  }, 60_000);

  afterAll(async () => {
    await app?.stop();
    await topology?.stop();
    if (measured.length > 0) console.info(measured.join('\n'));
  }, 30_000);

  it('loses nothing across a SENTINEL FAILOVER and a kill -9 of the new primary, under load', async () => {
    const created: string[] = [];
    const refused: string[][] = [];
    let seq = 0;
    let loading = true;
    const load = (async () => {
      while (loading) {
        const keys = Array.from({ length: 5 }, () => `sentinel-${++seq}`);
        try {
          await app.services.tasks.createMany(
            keys.map((key) => ({ taskType: 'job', payload: {}, idempotencyKey: key })),
          );
          created.push(...keys);
        } catch {
          refused.push(keys);
        }
        await new Promise((r) => setTimeout(r, 50));
      }
    })();

    /** Until the sentinels name `port` primary and a task created now has run. */
    const recovered = async (port: number, since: number, what: string) => {
      await waitFor(async () => (await topology.currentPrimary()) === port, {
        timeoutMs: 30_000,
        intervalMs: 100,
        message: `${port} promoted`,
      });
      const probe = `probe-${port}-${since}`;
      await waitFor(
        async () => {
          await app.services.tasks
            .create({ taskType: 'job', payload: {}, idempotencyKey: probe })
            .catch(() => undefined);
          return (await app.services.tasks.get(probe).catch(() => undefined))?.status === 'SUCCESS';
        },
        { timeoutMs: 30_000, intervalMs: 200, message: `a task run after the ${what}` },
      );
      created.push(probe);
      measured.push(`sentinel ${what}: tasks run again ${Date.now() - since} ms after it started`);
    };

    await waitFor(() => created.length >= 50, { timeoutMs: 10_000, message: 'load running' });
    const first = topology.primaryPort;
    const second = topology.replicaPort;
    const failoverAt = Date.now();
    await redisCommand(topology.sentinelPorts[0]!, 'SENTINEL', 'FAILOVER', SentinelTopology.MASTER_NAME);
    await recovered(second, failoverAt, 'SENTINEL FAILOVER');

    // The old primary is a replica now; once it is in sync, kill the new primary.
    await topology.waitHealthy(second);
    const sofar = created.length;
    await waitFor(() => created.length >= sofar + 50, { timeoutMs: 10_000, message: 'load running again' });
    const killedAt = Date.now();
    await topology.kill(second);
    await recovered(first, killedAt, 'kill -9 of the primary');
    await new Promise((r) => setTimeout(r, 500));
    loading = false;
    await load;

    let unfinished: { id: string; status: string; workerId: string | null }[] = [];
    await waitFor(
      async () => {
        const tasks = await Promise.all(created.map((id) => app.services.tasks.get(id)));
        unfinished = tasks
          .filter((t) => t.status !== 'SUCCESS')
          .map((t) => ({ id: t.taskId, status: t.status, workerId: t.workerId }));
        return unfinished.length === 0;
      },
      { timeoutMs: 30_000, intervalMs: 250, message: `all ${created.length} tasks SUCCESS` },
    ).catch((error: Error) => {
      throw new Error(`${error.message}; not yet: ${JSON.stringify(unfinished.slice(0, 10))} (${unfinished.length})`);
    });
    for (const id of created) {
      const successes = (await app.services.tasks.logs(id)).filter(
        (l) => l.fromStatus === 'PROCESSING' && l.toStatus === 'SUCCESS',
      );
      expect(successes, `task ${id}`).toHaveLength(1);
    }
    // A refused create wrote nothing: the memory storage is all or nothing per call.
    for (const keys of refused) {
      const found = await Promise.all(
        keys.map((k) =>
          app.services.tasks.get(k).then(
            () => 1,
            () => 0,
          ),
        ),
      );
      expect(found.reduce((a: number, b: number) => a + b, 0)).toBe(0);
    }
    expect(created.length).toBeGreaterThan(100);
  }, 120_000);
});
