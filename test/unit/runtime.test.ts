import { describe, expect, it } from 'vitest';
import { ExecutorRegistry, type Executor, type Plugin } from '../../core/index.ts';
import { checkPlugins, startOrder } from '../../core/runtime/plugin-order.ts';
import { planDispatch } from '../../core/services/scheduler/dispatch-planner.ts';
import { LeastTaskLoadBalancer } from '../../plugins/load-balancers/index.ts';
import { makeTask, makeTaskType, makeWorker } from '../helpers/plugin-fixtures.ts';

const executor = (type: string, taskTypes: string[]): Executor => ({ type, taskTypes, execute: async () => null });

describe('executor registry', () => {
  it('maps each task type to one executor and refuses a second claim', () => {
    const registry = new ExecutorRegistry();
    registry.register(executor('email', ['send_email']));
    expect(registry.get('send_email')?.type).toBe('email');
    expect(() => registry.register(executor('smtp2', ['other', 'send_email']))).toThrow(
      'task type "send_email" is already served by executor "email"',
    );
    expect(registry.get('other')).toBeUndefined(); // nothing of a refused executor is kept
  });
});

describe('plugin order', () => {
  const plugin = (name: string, provides: Plugin['provides'] = [], requires: Plugin['requires'] = []): Plugin => ({ name, provides, requires });

  it('starts providers before the plugins that require their ports', () => {
    const api = plugin('api', [], ['storage']);
    const storage = plugin('storage', ['storage']);
    const queue = plugin('queue', ['queue', 'coordination']);
    expect(startOrder([api, queue, storage]).map((p) => p.name)).toEqual(['storage', 'api', 'queue']);
  });

  it('refuses a port provided twice', () => {
    expect(() => checkPlugins([plugin('a', ['storage']), plugin('b', ['storage']), plugin('q', ['queue', 'coordination'])])).toThrow(
      'port "storage" is provided by both "a" and "b"; keep one',
    );
  });
});

describe('dispatch planner', () => {
  it('honours capacity, max_concurrent and type support', () => {
    const workers = [
      makeWorker('w1', { capacity: 2, currentLoad: 1, supportedTypes: ['a', 'b'] }),
      makeWorker('w2', { capacity: 1, currentLoad: 0, supportedTypes: ['b'] }),
    ];
    const tasks = [makeTask({ taskId: 't1', taskType: 'a' }), makeTask({ taskId: 't2', taskType: 'a' }), makeTask({ taskId: 't3', taskType: 'b' }), makeTask({ taskId: 't4', taskType: 'c' })];
    const types = (t: string) => makeTaskType({ taskType: t, maxConcurrent: t === 'a' ? 1 : 0 });
    const plan = planDispatch(tasks, workers, types, new Map(), new LeastTaskLoadBalancer());
    expect(Object.fromEntries([...plan.assignments].map(([w, ts]) => [w, ts.map((t) => t.taskId)]))).toEqual({ w1: ['t1'], w2: ['t3'] });
    expect(plan.deferred.map((t) => t.taskId)).toEqual(['t2', 't4']);
  });
});
