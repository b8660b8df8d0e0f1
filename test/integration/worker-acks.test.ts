import { afterEach, describe, expect, it } from 'vitest';
import { TOKENS, type TaskManager, type TaskQueue } from '../../core/index.ts';
import { gate, memoryApp, waitForStatus } from '../helpers/memory-app.ts';
import { waitFor } from '../helpers/wait.ts';

/**
 * A worker acks finished tasks with its next take (one queue call for both). These tests pin
 * down that acks never wait on a long task or an idle worker: when no take carries them
 * within the ack delay (10 ms), they go out on their own.
 */
describe('worker acks', () => {
  let app: TaskManager | undefined;
  afterEach(async () => {
    await app?.stop();
    app = undefined;
  });

  async function processingOf(running: TaskManager): Promise<number> {
    const queue = running.container.resolve<TaskQueue>(TOKENS.Queue);
    const lengths = await queue.lengths();
    const worker = running.worker!;
    return lengths.workers[worker.id]?.processing ?? 0;
  }

  it('acks a finished task while every other slot is held by a long task', async () => {
    const release = gate();
    app = await memoryApp({
      handlers: { short: () => 'done', long: () => release.promise.then(() => 'late') },
      config: { worker: { capacity: 2 } },
    });
    await app.start();
    const { task: long } = await app.services.tasks.create({ taskType: 'long', payload: {} });
    await waitForStatus(app, long.taskId, ['PROCESSING']);
    // Fill the second slot with a task that finishes at once, then block it with another long one,
    // so the loop is parked on "no free slot" when the short task's outcome becomes durable.
    const { task: short } = await app.services.tasks.create({ taskType: 'short', payload: {} });
    const { task: long2 } = await app.services.tasks.create({ taskType: 'long', payload: {} });
    await waitForStatus(app, short.taskId, ['SUCCESS']);
    await waitForStatus(app, long2.taskId, ['PROCESSING']);
    // Only the two long tasks remain in the processing list, well before either finishes.
    const running = app;
    await waitFor(async () => (await processingOf(running)) === 2, {
      timeoutMs: 2_000,
      message: 'the short task to be acked',
    });
    release.open();
    await waitForStatus(app, long.taskId, ['SUCCESS']);
    await waitForStatus(app, long2.taskId, ['SUCCESS']);
    await waitFor(async () => (await processingOf(running)) === 0, {
      timeoutMs: 2_000,
      message: 'every task to be acked',
    });
  });

  it('acks soon when the queue is empty and the worker waits for work', async () => {
    app = await memoryApp({ handlers: { short: () => 'done' }, config: { worker: { capacity: 4, takeWait: '5s' } } });
    await app.start();
    const { task } = await app.services.tasks.create({ taskType: 'short', payload: {} });
    await waitForStatus(app, task.taskId, ['SUCCESS']);
    const running = app;
    // takeWait is 5 s: an ack waiting for the next take would still be pending here.
    await waitFor(async () => (await processingOf(running)) === 0, { timeoutMs: 1_000, message: 'the ack' });
    expect(await processingOf(running)).toBe(0);
  });
});
