import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InvalidParameterError } from '../../core/index.ts';
import type { WorkerInfo } from '../../core/index.ts';
import { redisQueue } from '../../plugins/queue-redis/index.ts';
import { redisOptionsSchema } from '../../plugins/queue-redis/options.ts';
import { REDIS_URL, redisAvailability, uniqueSuffix } from '../helpers/services.ts';
import { pluginContext, startRedisQueue } from './support/redis-queue-harness.ts';
import type { StartedRedisQueue } from './support/redis-queue-harness.ts';

const redis = await redisAvailability();
const prefix = `tm:test:${uniqueSuffix('redis_scripts')}:`;

function workerInfo(workerId: string, supportedTypes: string[]): WorkerInfo {
  return {
    workerId,
    workerName: workerId,
    address: '',
    status: 'ONLINE',
    capacity: 4,
    currentLoad: 0,
    supportedTypes,
    weight: 1,
    lastHeartbeat: new Date(),
  };
}

describe.skipIf(!redis.available)('queue-redis scripts and key layout', () => {
  let subject: StartedRedisQueue;
  let raw: Redis;

  beforeAll(async () => {
    subject = await startRedisQueue({ prefix });
    raw = new Redis(REDIS_URL, { lazyConnect: true });
    await raw.connect();
  });
  afterAll(async () => {
    raw?.disconnect();
    await subject?.cleanup();
  });

  it('keeps working after SCRIPT FLUSH by sending the script again', async () => {
    const { queue } = subject;
    const enqueueSha = createHash('sha1')
      .update(readFileSync(new URL('../../plugins/queue-redis/scripts/enqueue.lua', import.meta.url)))
      .digest('hex');
    await queue.enqueue([{ taskId: 'before-flush', priority: 0 }]);
    expect(await raw.script('EXISTS', enqueueSha)).toEqual([1]);
    await raw.script('FLUSH');
    expect(await raw.script('EXISTS', enqueueSha)).toEqual([0]);
    await queue.enqueue([{ taskId: 'after-flush', priority: 1 }]);
    expect((await queue.claimFor([{ workerId: 'roomy', maxLoad: 100 }], 10)).claimed.map((e) => e.taskId)).toEqual([
      'after-flush',
      'before-flush',
    ]);
    await queue.discardClaimed(['after-flush', 'before-flush']);
    // The fallback put the script back into the server's cache.
    expect(await raw.script('EXISTS', enqueueSha)).toEqual([1]);
  });

  it('renews the leader lock only for its holder', async () => {
    const { leader } = subject.coordination;
    expect(await leader.tryAcquire('holder', 5_000)).toBe(true);
    await raw.pexpire(`${prefix}scheduler:leader`, 1_000);
    expect(await leader.renew('intruder', 60_000)).toBe(false);
    expect(await raw.pttl(`${prefix}scheduler:leader`)).toBeLessThanOrEqual(1_000);
    expect(await leader.renew('holder', 60_000)).toBe(true);
    expect(await raw.pttl(`${prefix}scheduler:leader`)).toBeGreaterThan(1_000);
    await leader.release('holder');
  });

  it('leaves the lock in place when a non-holder releases it', async () => {
    const { leader } = subject.coordination;
    expect(await leader.tryAcquire('holder', 5_000)).toBe(true);
    await leader.release('intruder');
    expect(await raw.get(`${prefix}scheduler:leader`)).toBe('holder');
    await leader.release('holder');
    expect(await raw.exists(`${prefix}scheduler:leader`)).toBe(0);
  });

  it('keeps the worker type sets in step with registrations and removal', async () => {
    const { workers } = subject.coordination;
    await workers.register(workerInfo('w-types', ['email', 'http']), 60_000);
    expect(await raw.smembers(`${prefix}worker:type:email`)).toEqual(['w-types']);
    expect(await raw.smembers(`${prefix}worker:type:http`)).toEqual(['w-types']);
    expect(await raw.pttl(`${prefix}worker:w-types`)).toBeGreaterThan(50_000);

    await workers.register(workerInfo('w-types', ['email']), 60_000);
    expect(await raw.smembers(`${prefix}worker:type:http`)).toEqual([]);

    // Removal cleans every set even after the hash has expired.
    await raw.del(`${prefix}worker:w-types`);
    expect((await workers.listWorkers()).find((w) => w.workerId === 'w-types')).toMatchObject({
      status: 'OFFLINE',
      lastHeartbeat: new Date(0),
    });
    await workers.removeWorker('w-types');
    expect(await raw.smembers(`${prefix}worker:type:email`)).toEqual([]);
    expect(await raw.sismember(`${prefix}workers`, 'w-types')).toBe(0);
  });

  it('caches tasks as JSON with a TTL and drops them with DEL', async () => {
    const { cache } = subject;
    const at = new Date('2026-11-01T12:00:00.000Z');
    const task = {
      taskId: 'cached',
      taskType: 'email',
      priority: 1 as const,
      status: 'PENDING' as const,
      payload: { to: 'a@example.com' },
      result: null,
      errorMsg: null,
      retryCount: 0,
      maxRetry: 3,
      timeout: 300,
      workerId: null,
      scheduledAt: at,
      startedAt: null,
      completedAt: null,
      createdAt: at,
      updatedAt: at,
    };
    await cache.set(task);
    expect(await cache.get('cached')).toEqual(task);
    const ttl = await raw.pttl(`${prefix}task:cache:cached`);
    expect(ttl).toBeGreaterThan(290_000);
    expect(ttl).toBeLessThanOrEqual(300_000);
    await cache.drop(['cached', 'never-cached']);
    expect(await cache.get('cached')).toBeUndefined();
  });
});

describe('queue-redis cluster prefix', () => {
  const cluster = { nodes: [{ host: '127.0.0.1', port: 7000 }] };

  it('rejects a cluster prefix without a hash tag, saying why', () => {
    const { ctx } = pluginContext();
    const setup = () => redisQueue({ cluster, prefix: 'tm:' }).setup?.(ctx);
    expect(setup).toThrow(InvalidParameterError);
    expect(setup).toThrow(/hash tag such as "\{tm\}:".*one slot/);
    expect(() => redisQueue({ cluster, prefix: '' }).setup?.(ctx)).toThrow(/hash tag/);
    expect(() => redisQueue({ cluster, prefix: 'tm:{}:' }).setup?.(ctx)).toThrow(/hash tag/);
  });

  it('accepts a hash-tag prefix (setup does no I/O)', () => {
    const { ctx } = pluginContext();
    expect(() => redisQueue({ cluster, prefix: '{tm}:' }).setup?.(ctx)).not.toThrow();
    expect(() => redisQueue({ cluster, prefix: 'prod:{tm}:' }).setup?.(ctx)).not.toThrow();
  });
});

describe('queue-redis options', () => {
  it('accepts Sentinel as docs/configuration.md spells it ({ master, nodes }) and "host:port" nodes', () => {
    const parsed = redisOptionsSchema.parse({
      sentinel: { master: 'mymaster', nodes: ['sentinel-1:26379', { host: 'sentinel-2', port: '26380' }] },
      cluster: { nodes: ['redis-1:7000'] },
    });
    expect(parsed.sentinel).toEqual({
      name: 'mymaster',
      sentinels: [
        { host: 'sentinel-1', port: 26379 },
        { host: 'sentinel-2', port: 26380 },
      ],
    });
    expect(parsed.cluster).toEqual({ nodes: [{ host: 'redis-1', port: 7000 }] });
    expect(parsed).toMatchObject({ url: 'redis://127.0.0.1:6379', prefix: '', cacheTtl: 300_000, publishEvents: true });
  });

  it('names the bad key', () => {
    expect(() => redisOptionsSchema.parse({ sentinel: { master: 'mymaster' } })).toThrow(/sentinels/);
    expect(() => redisOptionsSchema.parse({ cacheTtl: 'soon' })).toThrow(/duration/);
  });
});
