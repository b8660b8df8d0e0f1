import { describe, expect, it } from 'vitest';
import { LeastTaskLoadBalancer } from '../../../plugins/load-balancers/index.ts';
import { memoryPorts } from '../../../test/helpers/memory-ports.ts';
import { makeWorker } from '../../../test/helpers/plugin-fixtures.ts';
import { noopTracer, type Tracer } from '../../ports/tracer.ts';
import { RecordingTracer } from '../../../test/helpers/recording-tracer.ts';
import { dispatchTraceParent } from '../trace-context.ts';
import { LoadBalancerRegistry } from '../load-balancer-registry.ts';
import { noopMetrics } from '../../ports/metrics.ts';
import { LocalHandoff } from '../local-handoff.ts';
import { DispatchLeftovers } from './dispatch-leftovers.ts';
import { DispatchRound } from './dispatch-round.ts';
import { WorkerList } from './worker-list.ts';

/** One dispatch round driven by hand on the memory ports, time standing still. */
async function setup(tracer: Tracer = noopTracer) {
  const ports = await memoryPorts([
    { taskType: 'email', executorType: 'local' },
    { taskType: 'report', executorType: 'local' },
  ]);
  const { config, storage, queue, coordination, clock, events, logger, state, types } = ports;
  const balancers = new LoadBalancerRegistry();
  balancers.register(new LeastTaskLoadBalancer());
  const workers = new WorkerList(coordination.workers, clock, () => config.worker.heartbeatTimeout);
  const leftovers = new DispatchLeftovers(queue, state, clock, workers);
  const handoff = new LocalHandoff();
  const round = new DispatchRound({
    rateLimiter: coordination.rateLimits,
    metrics: noopMetrics,
    config,
    storage,
    queue,
    clock,
    events,
    log: logger,
    state,
    types,
    balancers,
    handoff,
    workers,
    leftovers,
    tracer,
  });
  return { ...ports, round };
}

describe('a dispatch round', () => {
  it('claims HIGH first, no more than the worker has room for, writes PROCESSING and queues the ids for the worker', async () => {
    const { round, createQueued, registerWorker, queue, task, clock, emitted, storage } = await setup();
    await registerWorker(makeWorker('w1', { capacity: 2, supportedTypes: ['email'] }));
    await createQueued([{ taskId: 'n1' }, { taskId: 'n2' }, { taskId: 'h1', priority: 1 }]);

    expect(await round.run()).toBe(2);

    for (const id of ['h1', 'n1']) {
      expect(await task(id)).toMatchObject({ status: 'PROCESSING', workerId: 'w1', startedAt: clock.now() });
    }
    expect((await task('n2')).status).toBe('PENDING');
    const lengths = await queue.lengths();
    expect(lengths).toMatchObject({ high: 0, normal: 1, claimed: 0, workers: { w1: { queued: 2, processing: 0 } } });
    expect(await queue.ackAndTake('w1', [], 10, 0)).toEqual(['h1', 'n1']);
    expect(
      emitted.filter((e) => e.name === 'task_assigned').map((e) => [e.event.taskId, e.event.workerId, e.event.waitMs]),
    ).toEqual([
      ['h1', 'w1', 0],
      ['n1', 'w1', 0],
    ]);
    const log = await storage.getLogs('h1');
    expect(log.at(-1)).toMatchObject({ fromStatus: 'PENDING', toStatus: 'PROCESSING', workerId: 'w1' });
  });

  it('puts back at the head of its queue a task no worker supports, and drops one no longer PENDING', async () => {
    const { round, createQueued, registerWorker, queue, task, state, clock } = await setup();
    await registerWorker(makeWorker('w1', { capacity: 5, supportedTypes: ['email'] }));
    await createQueued([{ taskId: 'r1', taskType: 'report' }, { taskId: 'gone' }, { taskId: 'e1' }]);
    const now = clock.now();
    await state.transition([
      { taskId: 'gone', from: 'PENDING', to: 'CANCELLED', patch: { completedAt: now }, logs: [], at: now },
    ]);

    expect(await round.run()).toBe(1);

    expect((await task('e1')).status).toBe('PROCESSING');
    expect((await task('r1')).status).toBe('PENDING');
    const lengths = await queue.lengths();
    expect(lengths).toMatchObject({ normal: 1, claimed: 0 });
    // r1 is the one left in the ready queue; the cancelled task is gone from every list.
    expect(await queue.findUnqueued(['r1', 'gone'])).toEqual(['gone']);
  });

  it('claims nothing while no healthy worker is registered', async () => {
    const { round, createQueued, queue } = await setup();
    await createQueued([{ taskId: 'n1' }]);
    expect(await round.run()).toBe(0);
    expect(await queue.lengths()).toMatchObject({ normal: 1, claimed: 0 });
  });

  it('while tracing, makes one task.dispatch per assigned task under its task.create, with the ids its worker derives', async () => {
    const tracer = new RecordingTracer();
    const { round, createQueued, registerWorker, task } = await setup(tracer);
    await registerWorker(makeWorker('w1', { capacity: 5, supportedTypes: ['email'] }));
    // 'a' was created with tracing on; 'b' without (its trace id is derived from its id).
    await createQueued([
      { taskId: 'a', traceParent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01' },
      { taskId: 'b' },
    ]);

    expect(await round.run()).toBe(2);

    const spans = tracer.named('task.dispatch');
    expect(spans.map((s) => s.attributes['task.id'])).toEqual(['a', 'b']);
    const [a, b] = spans;
    expect(a).toMatchObject({
      traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
      parentSpanId: '00f067aa0ba902b7',
      ended: true,
    });
    expect(a?.attributes).toMatchObject({
      'worker.id': 'w1',
      'task.type': 'email',
      'task.retry_count': 0,
      'task.dispatched': true,
    });
    expect(b?.parentSpanId).toBeUndefined();
    // What the worker will name as the parent of task.execute, from the task as it reads it.
    expect(dispatchTraceParent(await task('a'))).toBe(a?.traceParent);
    expect(dispatchTraceParent(await task('b'))).toBe(b?.traceParent);
  });
});
