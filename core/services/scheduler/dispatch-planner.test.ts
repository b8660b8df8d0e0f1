import { describe, expect, it } from 'vitest';
import { LeastTaskLoadBalancer } from '../../../plugins/load-balancers/index.ts';
import { makeTask, makeTaskType, makeWorker } from '../../../test/helpers/plugin-fixtures.ts';
import { planDispatch } from './dispatch-planner.ts';

describe('dispatch planner', () => {
  it('honours capacity, max_concurrent and type support', () => {
    const workers = [
      makeWorker('w1', { capacity: 2, currentLoad: 1, supportedTypes: ['a', 'b'] }),
      makeWorker('w2', { capacity: 1, currentLoad: 0, supportedTypes: ['b'] }),
    ];
    const tasks = [
      makeTask({ taskId: 't1', taskType: 'a' }),
      makeTask({ taskId: 't2', taskType: 'a' }),
      makeTask({ taskId: 't3', taskType: 'b' }),
      makeTask({ taskId: 't4', taskType: 'c' }),
    ];
    const types = (t: string) => makeTaskType({ taskType: t, maxConcurrent: t === 'a' ? 1 : 0 });
    const plan = planDispatch(tasks, workers, types, new Map(), new LeastTaskLoadBalancer());
    expect(Object.fromEntries([...plan.assignments].map(([w, ts]) => [w, ts.map((t) => t.taskId)]))).toEqual({
      w1: ['t1'],
      w2: ['t3'],
    });
    expect(plan.deferred.map((t) => t.taskId)).toEqual(['t2', 't4']);
  });
});
