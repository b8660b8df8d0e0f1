/**
 * The core's side of tracing, in one process on the memory plugins with a recording tracer:
 * which spans a task's life makes, how they name their parents (docs/operations.md,
 * "Tracing"), and that nothing is written for the trace while tracing is off.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { definePlugin, NonRetryableError, TOKENS, type TaskManager } from '../../core/index.ts';
import { memoryApp, waitForStatus } from '../helpers/memory-app.ts';
import { RecordingTracer } from '../helpers/recording-tracer.ts';
import { waitFor } from '../helpers/wait.ts';

const INCOMING = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';

function tracerPlugin(tracer: RecordingTracer) {
  return definePlugin({
    name: 'recording-tracer',
    provides: ['tracer'],
    setup(ctx) {
      ctx.provide(TOKENS.Tracer, tracer);
    },
  });
}

let app: TaskManager | undefined;
afterEach(async () => {
  await app?.stop();
  app = undefined;
});

describe('tracing a task', () => {
  it('makes task.create → task.dispatch → task.execute, one trace, each the parent of the next', async () => {
    const tracer = new RecordingTracer();
    const seen: (string | undefined)[] = [];
    app = await memoryApp({
      handlers: { echo: (payload, ctx) => (seen.push(ctx.traceParent), payload) },
      config: { plugins: [tracerPlugin(tracer)] },
    });
    await app.start();

    const { task } = await app.services.tasks.create({ taskType: 'echo', payload: { n: 1 }, traceParent: INCOMING });
    await waitForStatus(app, task.taskId, ['SUCCESS']);
    await waitFor(() => tracer.spans.length === 3 && tracer.spans.every((s) => s.ended), {
      timeoutMs: 2_000,
      message: 'three spans ended',
    });

    const [create] = tracer.named('task.create');
    const [dispatch] = tracer.named('task.dispatch');
    const [execute] = tracer.named('task.execute');
    expect(tracer.spans).toHaveLength(3);
    expect(create).toMatchObject({ traceId: '4bf92f3577b34da6a3ce929d0e0e4736', parentSpanId: '00f067aa0ba902b7' });
    expect(create?.kind).toBe('producer');
    expect(dispatch).toMatchObject({ traceId: create!.traceId, parentSpanId: create!.spanId, ended: true });
    expect(execute).toMatchObject({ traceId: create!.traceId, parentSpanId: dispatch!.spanId, ended: true });
    expect(execute?.kind).toBe('consumer');
    expect((await app.services.tasks.get(task.taskId)).traceParent).toBe(create!.traceParent);

    const workerId = app.worker!.id;
    expect(create?.attributes).toEqual({ 'task.id': task.taskId, 'task.type': 'echo', 'task.retry_count': 0 });
    expect(dispatch?.attributes).toEqual({
      'task.id': task.taskId,
      'task.type': 'echo',
      'task.retry_count': 0,
      'worker.id': workerId,
      'task.dispatched': true,
    });
    expect(execute?.attributes).toMatchObject({
      'task.id': task.taskId,
      'worker.id': workerId,
      'task.outcome': 'SUCCESS',
    });
    // The executor may pass the trace on (executor-http sends it as the traceparent header).
    expect(seen).toEqual([execute!.traceParent]);
  });

  it('records the executor error on task.execute, and each retry is a new dispatch and execute under task.create', async () => {
    const tracer = new RecordingTracer();
    let attempts = 0;
    app = await memoryApp({
      handlers: {
        flaky: () => {
          attempts++;
          throw attempts === 1 ? new Error('first try fails') : new NonRetryableError('second try fails for good');
        },
      },
      taskTypes: [{ taskType: 'flaky', defaultMaxRetry: 3 }],
      config: { plugins: [tracerPlugin(tracer)] },
    });
    await app.start();

    const { task } = await app.services.tasks.create({ taskType: 'flaky', payload: {} });
    await waitForStatus(app, task.taskId, ['FAILED']);
    // task.create, then a task.dispatch and a task.execute per attempt.
    await waitFor(() => tracer.spans.length === 5 && tracer.spans.every((s) => s.ended), {
      timeoutMs: 2_000,
      message: 'five spans ended',
    });

    const [create] = tracer.named('task.create');
    expect(create?.parentSpanId).toBeUndefined();
    const dispatches = tracer.named('task.dispatch');
    const executes = tracer.named('task.execute');
    expect(dispatches.map((d) => d.parentSpanId)).toEqual([create!.spanId, create!.spanId]);
    expect(executes.map((e) => e.parentSpanId)).toEqual(dispatches.map((d) => d.spanId));
    expect(new Set(tracer.spans.map((s) => s.traceId))).toEqual(new Set([create!.traceId]));
    expect(dispatches[0]!.spanId).not.toBe(dispatches[1]!.spanId);
    expect(executes.map((e) => e.attributes['task.retry_count'])).toEqual([0, 1]);
    expect(executes.map((e) => e.attributes['task.outcome'])).toEqual(['FAILED', 'FAILED']);
    expect(executes.map((e) => (e.errors[0] as Error).message)).toEqual([
      'first try fails',
      'second try fails for good',
    ]);
  });

  it('starts a new trace when the incoming traceparent is unreadable', async () => {
    const tracer = new RecordingTracer();
    app = await memoryApp({ handlers: { echo: (p) => p }, config: { plugins: [tracerPlugin(tracer)] } });
    await app.start();
    const { task } = await app.services.tasks.create({ taskType: 'echo', payload: {}, traceParent: 'garbage' });
    await waitForStatus(app, task.taskId, ['SUCCESS']);
    const [create] = tracer.named('task.create');
    expect(create?.parentSpanId).toBeUndefined();
    expect(create?.traceId).toMatch(/^[0-9a-f]{32}$/);
  });

  it('writes no trace parent and makes no span while tracing is off', async () => {
    const seen: (string | undefined)[] = [];
    app = await memoryApp({ handlers: { echo: (p, ctx) => (seen.push(ctx.traceParent), p) } });
    await app.start();
    const { task } = await app.services.tasks.create({ taskType: 'echo', payload: {}, traceParent: INCOMING });
    expect((await waitForStatus(app, task.taskId, ['SUCCESS'])).traceParent).toBeNull();
    expect(seen).toEqual([undefined]);
  });
});
