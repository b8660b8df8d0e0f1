import { describe, expect, it } from 'vitest';
import {
  AffinityLoadBalancer,
  ConsistentHashLoadBalancer,
  LeastTaskLoadBalancer,
  loadBalancers,
  RoundRobinLoadBalancer,
  WeightedRoundRobinLoadBalancer,
} from './index.ts';
import { createFakePluginContext } from '../../test/helpers/fake-plugin-context.ts';
import { makeTask, makeWorker } from '../../test/helpers/plugin-fixtures.ts';

const task = makeTask();

describe('loadBalancers plugin', () => {
  it('registers the five strategies by name', async () => {
    const ctx = createFakePluginContext();
    await loadBalancers().setup?.(ctx);
    expect(ctx.loadBalancers.map((b) => b.name).sort()).toEqual([
      'affinity',
      'consistent_hash',
      'least_task',
      'round_robin',
      'weighted_round_robin',
    ]);
  });

  it('registers only the strategies asked for', async () => {
    const ctx = createFakePluginContext();
    await loadBalancers({ only: ['round_robin'] }).setup?.(ctx);
    expect(ctx.loadBalancers.map((b) => b.name)).toEqual(['round_robin']);
  });
});

describe('least_task', () => {
  const balancer = new LeastTaskLoadBalancer();

  it('picks the lowest current load', () => {
    const workers = [
      makeWorker('a', { currentLoad: 3 }),
      makeWorker('b', { currentLoad: 1 }),
      makeWorker('c', { currentLoad: 2 }),
    ];
    expect(balancer.select(workers, task)?.workerId).toBe('b');
  });

  it('breaks ties by fill ratio, then by worker id', () => {
    const byFill = [makeWorker('a', { currentLoad: 2, capacity: 4 }), makeWorker('b', { currentLoad: 2, capacity: 8 })];
    expect(balancer.select(byFill, task)?.workerId).toBe('b');
    const byId = [makeWorker('z', { currentLoad: 1 }), makeWorker('m', { currentLoad: 1 })];
    expect(balancer.select(byId, task)?.workerId).toBe('m');
  });

  it('returns undefined for no candidates', () => {
    expect(balancer.select([], task)).toBeUndefined();
  });
});

describe('round_robin', () => {
  it('rotates through candidates in worker id order whatever the input order', () => {
    const balancer = new RoundRobinLoadBalancer();
    const workers = [makeWorker('c'), makeWorker('a'), makeWorker('b')];
    const picks = Array.from(
      { length: 6 },
      (_, i) => balancer.select(i % 2 === 0 ? workers : [...workers].reverse(), task)?.workerId,
    );
    expect(picks).toEqual(['a', 'b', 'c', 'a', 'b', 'c']);
  });
});

describe('weighted_round_robin', () => {
  it('picks each worker exactly weight times per cycle, interleaved', () => {
    const balancer = new WeightedRoundRobinLoadBalancer();
    const workers = [makeWorker('a', { weight: 5 }), makeWorker('b', { weight: 1 }), makeWorker('c', { weight: 1 })];
    const cycle = Array.from({ length: 7 }, () => balancer.select(workers, task)?.workerId);
    expect(cycle).toEqual(['a', 'a', 'b', 'a', 'c', 'a', 'a']);
    const counts = new Map<string, number>();
    for (let i = 0; i < 7 * 100; i++) {
      const id = balancer.select(workers, task)?.workerId ?? '';
      counts.set(id, (counts.get(id) ?? 0) + 1);
    }
    expect(Object.fromEntries(counts)).toEqual({ a: 500, b: 100, c: 100 });
  });

  it('treats a missing or zero weight as 1', () => {
    const balancer = new WeightedRoundRobinLoadBalancer();
    const workers = [makeWorker('a', { weight: 0 }), makeWorker('b', { weight: 3 })];
    const picks = Array.from({ length: 4 }, () => balancer.select(workers, task)?.workerId);
    expect(picks.filter((id) => id === 'a')).toHaveLength(1);
    expect(picks.filter((id) => id === 'b')).toHaveLength(3);
  });
});

describe('consistent_hash', () => {
  const five = ['w1', 'w2', 'w3', 'w4', 'w5'].map((id) => makeWorker(id));
  const keys = Array.from({ length: 10_000 }, (_, i) => `task-${i}`);

  function assign(balancer: ConsistentHashLoadBalancer, workers: typeof five): Map<string, string> {
    return new Map(keys.map((taskId) => [taskId, balancer.select(workers, makeTask({ taskId }))?.workerId ?? '']));
  }

  it('sends the same task id to the same worker, across instances and input orders', () => {
    const first = new ConsistentHashLoadBalancer();
    const second = new ConsistentHashLoadBalancer();
    for (const taskId of ['a', 'b', 'c', 'some-uuid']) {
      const picked = first.select(five, makeTask({ taskId }))?.workerId;
      expect(first.select([...five].reverse(), makeTask({ taskId }))?.workerId).toBe(picked);
      expect(second.select(five, makeTask({ taskId }))?.workerId).toBe(picked);
    }
  });

  it('spreads keys roughly evenly', () => {
    const counts = new Map<string, number>();
    for (const worker of assign(new ConsistentHashLoadBalancer(), five).values()) {
      counts.set(worker, (counts.get(worker) ?? 0) + 1);
    }
    expect(counts.size).toBe(5);
    for (const count of counts.values()) {
      expect(count).toBeGreaterThan(1_300);
      expect(count).toBeLessThan(2_700);
    }
  });

  it.each([
    ['rebuilt without it', true],
    ['walked past while it is still on the ring', false],
  ])('removing one of five workers moves only its keys (%s)', (_label, freshBalancer) => {
    const balancer = new ConsistentHashLoadBalancer();
    const before = assign(balancer, five);
    const four = five.filter((w) => w.workerId !== 'w3');
    const after = assign(freshBalancer ? new ConsistentHashLoadBalancer() : balancer, four);
    let moved = 0;
    for (const [key, owner] of before) {
      const now = after.get(key);
      if (owner === 'w3') {
        expect(now).not.toBe('w3');
        moved++;
      } else {
        expect(now).toBe(owner);
      }
    }
    expect(moved / keys.length).toBeGreaterThan(0.13);
    expect(moved / keys.length).toBeLessThan(0.27);
  });

  it('adding a worker only takes keys for the new worker', () => {
    const balancer = new ConsistentHashLoadBalancer();
    const four = five.slice(0, 4);
    const before = assign(balancer, four);
    const after = assign(balancer, five);
    for (const [key, owner] of after) {
      if (owner !== 'w5') expect(before.get(key)).toBe(owner);
    }
  });
});

describe('affinity', () => {
  it('keeps a task type on the same worker while it is a candidate', () => {
    const balancer = new AffinityLoadBalancer();
    const workers = [makeWorker('a', { currentLoad: 2 }), makeWorker('b', { currentLoad: 0 })];
    const emails = makeTask({ taskType: 'send_email' });
    expect(balancer.select(workers, emails)?.workerId).toBe('b');
    // b is now busier than a, but the type stays put.
    const later = [makeWorker('a', { currentLoad: 0 }), makeWorker('b', { currentLoad: 5 })];
    expect(balancer.select(later, emails)?.workerId).toBe('b');
    // Another type is placed on its own.
    expect(balancer.select(later, makeTask({ taskType: 'echo' }))?.workerId).toBe('a');
  });

  it('falls back to the least loaded worker and remembers it', () => {
    const balancer = new AffinityLoadBalancer();
    const emails = makeTask({ taskType: 'send_email' });
    balancer.select([makeWorker('a')], emails);
    expect(balancer.assignedWorker('send_email')).toBe('a');
    const withoutA = [makeWorker('b', { currentLoad: 3 }), makeWorker('c', { currentLoad: 1 })];
    expect(balancer.select(withoutA, emails)?.workerId).toBe('c');
    expect(balancer.assignedWorker('send_email')).toBe('c');
    // a is back, but the type now sticks to c.
    expect(balancer.select([makeWorker('a'), ...withoutA], emails)?.workerId).toBe('c');
  });
});
