import type { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { systemClock, TOKENS } from '../../core/index.ts';
import type { Clock, PluginContext, Token } from '../../core/index.ts';
import { memoryQueue } from '../../plugins/queue-memory/index.ts';
import { createMemoryQueuePair } from '../../plugins/queue-memory/memory-queue-pair.ts';
import { describeCoordinationContract } from './coordination-contract.ts';
import { describeQueueContract } from './queue-contract.ts';

function createPair(clock: Clock = systemClock) {
  const pair = createMemoryQueuePair(clock);
  return {
    ...pair,
    clock,
    async cleanup() {
      pair.queue.close();
      pair.coordination.close();
    },
  };
}

describeQueueContract('memory', async () => createPair());
describeCoordinationContract('memory', async () => createPair());

class FakeClock implements Clock {
  private ms = Date.UTC(2026, 10, 1, 12, 0, 0);
  now(): Date {
    return new Date(this.ms);
  }
  advance(ms: number): void {
    this.ms += ms;
  }
}

describe('queue-memory with an injected clock', () => {
  it('expires the leader lock by the clock', async () => {
    const clock = new FakeClock();
    const { coordination, cleanup } = createPair(clock);
    const { leader } = coordination;
    expect(await leader.tryAcquire('a', 10_000)).toBe(true);
    clock.advance(9_999);
    expect(await leader.tryAcquire('b', 10_000)).toBe(false);
    expect(await leader.renew('a', 10_000)).toBe(true);
    clock.advance(9_999);
    expect(await leader.currentLeader()).toBe('a');
    clock.advance(1);
    expect(await leader.currentLeader()).toBeNull();
    expect(await leader.renew('a', 10_000)).toBe(false);
    expect(await leader.tryAcquire('b', 10_000)).toBe(true);
    await cleanup();
  });

  it('reports a worker OFFLINE once its TTL passes by the clock', async () => {
    const clock = new FakeClock();
    const { coordination, cleanup } = createPair(clock);
    const { workers } = coordination;
    await workers.register(
      {
        workerId: 'w1',
        workerName: 'w1',
        address: '',
        status: 'ONLINE',
        capacity: 1,
        currentLoad: 0,
        supportedTypes: [],
        weight: 1,
        lastHeartbeat: clock.now(),
      },
      30_000,
    );
    clock.advance(29_999);
    expect(await workers.heartbeat('w1', 1, clock.now(), 30_000)).toBe(true);
    clock.advance(29_999);
    expect((await workers.listWorkers())[0]?.status).toBe('ONLINE');
    clock.advance(1);
    expect((await workers.listWorkers())[0]?.status).toBe('OFFLINE');
    expect(await workers.heartbeat('w1', 1, clock.now(), 30_000)).toBe(false);
    await cleanup();
  });

  it('drops a cancel mark after one hour, so a later dispatch goes through', async () => {
    const clock = new FakeClock();
    const { queue, coordination, cleanup } = createPair(clock);
    await coordination.cancels.requestCancel('t1', null);
    clock.advance(3_600_000 - 1);
    expect(await coordination.cancels.findCancelled(['t1'])).toEqual(new Set(['t1']));
    clock.advance(1);
    expect(await coordination.cancels.findCancelled(['t1'])).toEqual(new Set());
    await coordination.workers.register(
      {
        workerId: 'w1',
        workerName: 'w1',
        address: 'localhost:0',
        status: 'ONLINE',
        capacity: 1,
        currentLoad: 0,
        supportedTypes: [],
        weight: 1,
        lastHeartbeat: clock.now(),
      },
      7_200_000,
    );
    expect(await queue.dispatch('w1', ['t1'])).toEqual({ dispatched: ['t1'], cancelled: [], refused: [] });
    await cleanup();
  });
});

describe('queue-memory plugin', () => {
  function fakeContext() {
    const provided = new Map<symbol, unknown>();
    const logger = { debug() {}, info() {}, warn() {}, error() {}, child: () => logger };
    const ctx = {
      clock: systemClock,
      logger,
      provide: (token: symbol, value: unknown) => provided.set(token, value),
      section: (_name: string, schema: z.ZodType, options?: unknown) => schema.parse(options ?? {}),
    };
    const resolve = <T>(token: Token<T>) => provided.get(token) as T;
    return { ctx: ctx as unknown as PluginContext, resolve };
  }

  it('provides the queue and coordination, and stop releases parked callers', async () => {
    const plugin = memoryQueue({ cancelMarkTtl: '2h' });
    expect(plugin.provides).toEqual(['queue', 'coordination']);
    const { ctx, resolve } = fakeContext();
    await plugin.setup?.(ctx);
    const queue = resolve(TOKENS.Queue);
    const coordination = resolve(TOKENS.Coordination);
    expect(queue).toBeDefined();
    expect(coordination).toBeDefined();

    const started = Date.now();
    const taking = queue.ackAndTake('w1', [], 5, 10_000);
    const waiting = queue.waitForWork(10_000);
    await coordination.leader.tryAcquire('a', 10_000);
    const vacancy = coordination.leader.waitForVacancy(10_000);
    await plugin.stop?.(ctx);
    expect(await taking).toEqual([]);
    await waiting;
    await vacancy;
    expect(Date.now() - started).toBeLessThan(2_000);
    // After stop, waits return at once instead of parking.
    expect(await queue.ackAndTake('w2', [], 5, 10_000)).toEqual([]);
  });

  it('rejects a bad option with its path', () => {
    const { ctx } = fakeContext();
    expect(() => memoryQueue({ cancelMarkTtl: 'soon' }).setup?.(ctx)).toThrow(/duration/);
  });
});
