/**
 * A worker parked in a blocking take must not wait forever when its connection drops and
 * comes back at once: a quick Redis restart, a failover, or a proxy (a load balancer, a
 * Kubernetes service) that accepts connections while Redis itself is down. ioredis forgets
 * the unanswered commands of a connection that reconnected when they are not resent, and
 * their promises never settle; the take has to fail by itself and the next one work.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorCode } from '../../core/index.ts';
import { OwnRedis } from '../e2e/support/redis-server.ts';
import { freePort, hasRedisServer } from '../helpers/redis-server.ts';
import { TcpProxy } from '../helpers/tcp-proxy.ts';
import { startRedisQueue, type StartedRedisQueue } from './support/redis-queue-harness.ts';

describe.skipIf(!hasRedisServer)('a blocking take across a dropped connection', () => {
  let redis: OwnRedis;
  let proxy: TcpProxy;
  let subject: StartedRedisQueue;

  beforeAll(async () => {
    redis = await OwnRedis.start(await freePort());
    proxy = await TcpProxy.start({ host: '127.0.0.1', port: redis.port });
    subject = await startRedisQueue({ url: `redis://127.0.0.1:${proxy.port}`, prefix: 'tm:test:blocking-reconnect:' });
    await subject.coordination.workers.register(
      {
        workerId: 'w1',
        workerName: 'w1',
        address: '',
        status: 'ONLINE',
        capacity: 1,
        currentLoad: 0,
        supportedTypes: [],
        weight: 1,
        lastHeartbeat: new Date(),
      },
      3_600_000,
    );
  });

  afterAll(async () => {
    await subject?.stop();
    await proxy?.close();
    await redis?.destroy();
  });

  it('fails the parked take when Redis restarts behind a proxy, and the next take gets work', async () => {
    const { queue } = subject;
    let settled = false;
    const parked = queue.ackAndTake('w1', [], 1, 10_000).finally(() => (settled = true));
    parked.catch(() => {});
    // Parked on the server: the proxy carries the blocking connection.
    await new Promise((r) => setTimeout(r, 300));
    expect(settled).toBe(false);

    const killedAt = Date.now();
    await redis.stop('SIGKILL');
    await new Promise((r) => setTimeout(r, 500));
    await redis.start();

    await expect(parked).rejects.toMatchObject({ code: ErrorCode.DEPENDENCY_UNAVAILABLE });
    // Well before the take's own 10 s wait would have ended.
    expect(Date.now() - killedAt).toBeLessThan(5_000);

    // The next take parks on a fresh connection and is woken by a dispatch.
    const next = queue.ackAndTake('w1', [], 1, 10_000);
    await new Promise((r) => setTimeout(r, 300));
    await queue.enqueue([{ taskId: 'after-restart', priority: 0 }]);
    await queue.claimFor([{ workerId: 'w1', maxLoad: 10 }], 1);
    await queue.dispatch('w1', ['after-restart']);
    expect(await next).toEqual(['after-restart']);
  }, 30_000);
});
