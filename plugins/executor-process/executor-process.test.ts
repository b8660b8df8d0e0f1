import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTaskManager, type JsonObject, type TaskManager, type TaskTypeInput } from '../../core/index.ts';
import { loadBalancers } from '../load-balancers/index.ts';
import { memoryQueue } from '../queue-memory/index.ts';
import { memoryStorage } from '../storage-memory/index.ts';
import { waitForStatus } from '../../test/helpers/memory-app.ts';
import { processExecutor } from './index.ts';

const handler = (name: string) => `test/fixtures/process-handlers/${name}.ts`;
const type = (taskType: string, module: string, extra: Partial<TaskTypeInput> = {}): TaskTypeInput => ({
  taskType,
  executorType: 'process',
  executorConfig: { module: handler(module) },
  retryDelay: 0,
  maxConcurrent: 0,
  ...extra,
});

/**
 * executor-process end to end on one worker whose pool has ONE thread: every task after a
 * killed or crashed one proves the thread was really replaced.
 */
describe('executor-process', () => {
  let app: TaskManager;

  beforeAll(async () => {
    app = await createTaskManager(
      {
        app: { logLevel: 'silent' },
        scheduler: { scanInterval: '20ms' },
        worker: { takeWait: '200ms', capacity: 4 },
        taskTypes: [
          type('sum', 'sum'),
          type('spin', 'spin', { defaultTimeout: 1, defaultMaxRetry: 0 }),
          type('exits', 'exits', { defaultMaxRetry: 1 }),
          type('throws', 'throws', { defaultMaxRetry: 1 }),
          type('uncaught', 'uncaught', { defaultMaxRetry: 0 }),
          { ...type('double', 'named'), executorConfig: { module: handler('named'), export: 'double' } },
          type('missing', 'no-such-module'),
        ],
        plugins: [memoryStorage(), memoryQueue(), loadBalancers(), processExecutor({ poolSize: 1 })],
      },
      { env: {}, logger: pino({ level: 'silent' }) },
    );
    await app.start();
  });

  afterAll(async () => {
    await app?.stop();
  });

  const run = async (taskType: string, payload: JsonObject = {}, timeoutMs = 10_000) => {
    const { task } = await app.services.tasks.create({ taskType, payload });
    return waitForStatus(app, task.taskId, ['SUCCESS', 'FAILED', 'TIMEOUT', 'CANCELLED'], timeoutMs);
  };

  it('runs a TypeScript handler module in a thread: result, progress and log lines reach the task', async () => {
    const done = await run('sum', { numbers: [1, 2, 3.5] });
    expect(done.status).toBe('SUCCESS');
    expect(done.result).toEqual({ sum: 6.5, threadTask: done.taskId });
    expect(done.progress).toMatchObject({ percent: 100, message: 'done' });
    const logs = (await app.services.tasks.logs(done.taskId)).map((l) => [l.message, l.errorDetail]);
    expect(logs).toContainEqual(['summing', '3 numbers']);
    expect(logs).toContainEqual(['Progress 50%: half way', null]);
  });

  it('calls a named export when the task type says so', async () => {
    expect((await run('double', { n: 21 })).result).toEqual({ doubled: 42 });
  });

  it('stops a handler that loops forever at its timeout, and the same worker keeps serving', async () => {
    const { task: spinning } = await app.services.tasks.create({ taskType: 'spin', payload: {} });
    await waitForStatus(app, spinning.taskId, ['PROCESSING']);
    // The worker's own event loop is not stalled by the spinning thread.
    const started = performance.now();
    await new Promise((r) => setTimeout(r, 50));
    expect(performance.now() - started).toBeLessThan(500);

    const timedOut = await waitForStatus(app, spinning.taskId, ['TIMEOUT'], 10_000);
    expect(timedOut.errorMsg).toMatch(/timeout/i);
    // One thread in the pool: this can only run if the spinning one was terminated and replaced.
    expect((await run('sum', { numbers: [2, 2] })).result).toMatchObject({ sum: 4 });
  });

  it('a cancel kills the running handler too', async () => {
    const { task } = await app.services.tasks.create({ taskType: 'spin', payload: {} });
    await waitForStatus(app, task.taskId, ['PROCESSING']);
    await app.services.tasks.cancel(task.taskId);
    expect((await waitForStatus(app, task.taskId, ['CANCELLED'])).status).toBe('CANCELLED');
    expect((await run('sum', { numbers: [5] })).status).toBe('SUCCESS');
  });

  it('process.exit in a handler is a retryable failure, and the worker lives on', async () => {
    const failed = await run('exits');
    expect(failed).toMatchObject({ status: 'FAILED', retryCount: 1 });
    expect(failed.errorMsg).toMatch(/exited with code 1/);
    const messages = (await app.services.tasks.logs(failed.taskId)).map((l) => l.message);
    expect(messages).toContain('Task failed, retry 1/1');
    expect((await run('sum', { numbers: [1] })).status).toBe('SUCCESS');
  });

  it('a thrown error is retryable; retryable:false is not; an uncaught error crashes the thread (retryable)', async () => {
    expect(await run('throws')).toMatchObject({
      status: 'FAILED',
      retryCount: 1,
      errorMsg: expect.stringContaining('boom'),
    });
    expect(await run('throws', { permanent: true })).toMatchObject({
      status: 'FAILED',
      retryCount: 0,
      errorMsg: expect.stringContaining('never valid'),
    });
    const crashed = await run('uncaught');
    expect(crashed.status).toBe('FAILED');
    expect(crashed.errorMsg).toMatch(/escaped the handler/);
    expect((await run('sum', { numbers: [1] })).status).toBe('SUCCESS');
  });

  it('a module that cannot be loaded fails at once (non-retryable)', async () => {
    const failed = await run('missing');
    expect(failed).toMatchObject({ status: 'FAILED', retryCount: 0 });
    expect(failed.errorMsg).toMatch(/cannot load handler module/);
  });
});
