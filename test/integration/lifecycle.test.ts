import { afterEach, describe, expect, it } from 'vitest';
import { NonRetryableError, TOKENS, type TaskManager } from '../../core/index.ts';
import { gate, memoryApp, waitForStatus } from '../helpers/memory-app.ts';
import { waitFor } from '../helpers/wait.ts';

let app: TaskManager | undefined;
afterEach(async () => {
  await app?.stop();
  app = undefined;
});

describe('task lifecycle on the embedded plugins', () => {
  it('runs a task end to end and logs every transition', async () => {
    app = await memoryApp({ handlers: { echo: (payload) => ({ echoed: payload }) } });
    await app.start();
    const { task } = await app.services.tasks.create({ taskType: 'echo', payload: { hello: 'world' } });
    const done = await waitForStatus(app, task.taskId, ['SUCCESS']);
    expect(done.result).toEqual({ echoed: { hello: 'world' } });
    expect(done.workerId).toBe(app.worker?.id);
    expect(done.completedAt).not.toBeNull();
    const logs = await app.services.tasks.logs(task.taskId);
    expect(logs.map((l) => [l.fromStatus, l.toStatus, l.message])).toEqual([
      [null, 'PENDING', 'Task created'],
      ['PENDING', 'PROCESSING', 'Task assigned to worker'],
      ['PROCESSING', 'SUCCESS', 'Task completed successfully'],
    ]);
  });

  it('returns the same task for the same idempotency key and writes nothing twice', async () => {
    app = await memoryApp({ handlers: { echo: () => null } });
    await app.start();
    const first = await app.services.tasks.create({ taskType: 'echo', payload: { n: 1 }, idempotencyKey: 'order-42' });
    const second = await app.services.tasks.create({ taskType: 'echo', payload: { n: 2 }, idempotencyKey: 'order-42' });
    expect(first.created).toBe(true);
    expect(second.created).toBe(false);
    expect(second.task.taskId).toBe('order-42');
    expect(second.task.payload).toEqual({ n: 1 });
    await waitForStatus(app, 'order-42', ['SUCCESS']);
    const created = (await app.services.tasks.logs('order-42')).filter((l) => l.message === 'Task created');
    expect(created).toHaveLength(1);
  });

  it('rejects a bad batch whole: no task of it is written', async () => {
    app = await memoryApp({ handlers: { echo: () => null } });
    await app.start();
    await expect(
      app.services.tasks.createMany([
        { taskType: 'echo', payload: {} },
        { taskType: 'echo', payload: {}, priority: 7 },
      ]),
    ).rejects.toMatchObject({ code: 40001, details: { field: 'tasks[1].priority' } });
    await expect(app.services.tasks.createMany([{ taskType: 'nope', payload: {} }])).rejects.toMatchObject({
      code: 40002,
    });
    const page = await app.services.tasks.list({}, { limit: 10 });
    expect(page.items).toHaveLength(0);
  });

  it('fails at once on a NonRetryableError, whatever retries are left', async () => {
    app = await memoryApp({
      handlers: {
        bad: () => {
          throw new NonRetryableError('invalid address');
        },
      },
      taskTypes: [{ taskType: 'bad', defaultMaxRetry: 5 }],
    });
    await app.start();
    const { task } = await app.services.tasks.create({ taskType: 'bad', payload: {} });
    const failed = await waitForStatus(app, task.taskId, ['FAILED']);
    expect(failed.retryCount).toBe(0);
    expect(failed.errorMsg).toBe('invalid address');
    const messages = (await app.services.tasks.logs(task.taskId)).map((l) => l.message);
    expect(messages).toContain('Task failed with a non-retryable error');
  });

  it('retries a failing task until max_retry, then stays FAILED', async () => {
    let calls = 0;
    app = await memoryApp({
      handlers: {
        flaky: () => {
          calls++;
          throw new Error(`boom ${calls}`);
        },
      },
      taskTypes: [{ taskType: 'flaky', defaultMaxRetry: 2, retryDelay: 0 }],
    });
    await app.start();
    const { task } = await app.services.tasks.create({ taskType: 'flaky', payload: {} });
    const failed = await waitForStatus(app, task.taskId, ['FAILED']);
    expect(calls).toBe(3);
    expect(failed.retryCount).toBe(2);
    expect(failed.errorMsg).toBe('boom 3');
    const messages = (await app.services.tasks.logs(task.taskId)).map((l) => l.message);
    expect(messages).toEqual(
      expect.arrayContaining(['Task failed, retry 1/2', 'Task failed, retry 2/2', 'Task failed and max retry reached']),
    );
    // FAILED with no retry left is final: exactly three assignments, none after it.
    expect(messages.filter((m) => m === 'Task assigned to worker')).toHaveLength(3);
    expect(messages.at(-1)).toBe('Task failed and max retry reached');
  });

  it('cancels a running task: the executor is aborted and the task is CANCELLED', async () => {
    const started = gate();
    let abortReason: unknown;
    app = await memoryApp({
      handlers: {
        slow: (_payload, ctx) =>
          new Promise((_, reject) => {
            started.open();
            ctx.signal.addEventListener('abort', () => {
              abortReason = ctx.signal.reason;
              reject(new Error('aborted'));
            });
          }),
      },
    });
    await app.start();
    const { task } = await app.services.tasks.create({ taskType: 'slow', payload: {} });
    await started.promise;
    const cancelled = await app.services.tasks.cancel(task.taskId);
    expect(cancelled.status).toBe('CANCELLED');
    await expect.poll(() => (abortReason as Error | undefined)?.name, { timeout: 1000 }).toBe('CancelSignalReason');
    await expect
      .poll(async () => (await app!.services.tasks.logs(task.taskId)).map((l) => l.message), { timeout: 1000 })
      .toContain('Task cancelled during execution');
    await expect(app.services.tasks.cancel(task.taskId)).rejects.toMatchObject({ code: 40901 });
  });

  it('drains gracefully: a running task finishes before stop resolves', async () => {
    const started = gate();
    const finish = gate();
    app = await memoryApp({
      handlers: {
        work: async () => {
          started.open();
          await finish.promise;
          return { ok: true };
        },
      },
    });
    await app.start();
    const { task } = await app.services.tasks.create({ taskType: 'work', payload: {} });
    await started.promise;
    let stopped = false;
    const stopping = app.stop().then(() => (stopped = true));
    await new Promise((r) => setImmediate(r));
    expect(stopped).toBe(false); // still waiting for the running task
    finish.open();
    await stopping;
    const done = await app.services.tasks.get(task.taskId);
    expect(done.status).toBe('SUCCESS');
    app = undefined;
  });

  it('returns a task to PENDING when it outlives the graceful shutdown timeout', async () => {
    const started = gate();
    app = await memoryApp({
      handlers: { stuck: () => (started.open(), new Promise(() => {})) },
      config: { worker: { gracefulShutdownTimeout: '100ms' } },
    });
    await app.start();
    const { task } = await app.services.tasks.create({ taskType: 'stuck', payload: {} });
    await started.promise;
    await app.stop();
    const back = await app.services.tasks.get(task.taskId);
    expect(back.status).toBe('PENDING');
    expect(back.workerId).toBeNull();
    const last = (await app.services.tasks.logs(task.taskId)).at(-1);
    expect(last?.message).toMatch(/^Task recovered from failed worker worker-/);
    app = undefined;
  });
});

describe('create when the queue is down', () => {
  it('keeps the stored task and answers success; reconciliation queues it later', async () => {
    app = await memoryApp({
      handlers: { echo: () => 'ran' },
      config: { scheduler: { reconcileInterval: '50ms', reconcileGrace: '0ms' } },
    });
    const queue = app.resolve(TOKENS.Queue);
    const enqueue = queue.enqueue.bind(queue);
    let failNext = true;
    queue.enqueue = async (entries) => {
      if (failNext) {
        failNext = false;
        throw new Error('queue unreachable');
      }
      return enqueue(entries);
    };
    await app.start();
    const { task, created } = await app.services.tasks.create({ taskType: 'echo', payload: {} });
    expect(created).toBe(true);
    const done = await waitForStatus(app, task.taskId, ['SUCCESS']);
    expect(done.result).toBe('ran');
  });
});

describe('task hooks', () => {
  it('calls task:before-execute and task:after-execute around each execution', async () => {
    app = await memoryApp({ handlers: { echo: () => 'ran', boom: () => Promise.reject(new NonRetryableError('no')) } });
    const seen: string[] = [];
    app.hooks.hook('task:before-execute', (task) => {
      seen.push(`before ${task.taskType}`);
    });
    app.hooks.hook('task:after-execute', (task, outcome) => {
      seen.push(`after ${task.taskType} ${outcome.status} ${JSON.stringify(outcome.result ?? null)}`);
    });
    await app.start();
    const { task: ok } = await app.services.tasks.create({ taskType: 'echo', payload: {} });
    await waitForStatus(app, ok.taskId, ['SUCCESS']);
    const { task: failed } = await app.services.tasks.create({ taskType: 'boom', payload: {}, maxRetry: 0 });
    await waitForStatus(app, failed.taskId, ['FAILED']);
    // after-execute runs right after the outcome is queued for commit: wait for it, not for a time.
    await waitFor(() => seen.length >= 4, { timeoutMs: 2_000, message: 'four hook calls' });
    expect(seen).toEqual(['before echo', 'after echo SUCCESS "ran"', 'before boom', 'after boom FAILED null']);
  });
});
