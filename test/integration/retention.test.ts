import { afterEach, describe, expect, it } from 'vitest';
import { NonRetryableError, TaskNotFoundError, type TaskManager } from '../../core/index.ts';
import { FakeClock } from '../helpers/fake-clock.ts';
import { memoryApp, waitForStatus } from '../helpers/memory-app.ts';

let app: TaskManager | undefined;
afterEach(async () => {
  await app?.stop();
  app = undefined;
});

const DAY = 86_400_000;
/** Long leases so a clock moved by days never expires the leader or the worker. */
const STEADY = {
  scheduler: { leaderLockTtl: '100d', leaderRenewInterval: '50d' },
  worker: { heartbeatTimeout: '100d', heartbeatInterval: '50d' },
};

describe('retention', () => {
  it('deletes finished tasks with their logs once older than their status setting, and keeps the rest', async () => {
    const clock = new FakeClock();
    app = await memoryApp({
      handlers: { ok: () => 'done', bad: () => Promise.reject(new NonRetryableError('no')) },
      clock,
      config: { ...STEADY, retention: { completed: '7d', failed: '30d', cancelled: '0', interval: '1h' } },
    });
    await app.start();
    const tasks = app.services.tasks;
    const ok = await tasks.create({ taskType: 'ok', payload: {} });
    const bad = await tasks.create({ taskType: 'bad', payload: {} });
    const cancelled = await tasks.create({ taskType: 'ok', payload: {}, delayMs: DAY });
    await tasks.cancel(cancelled.task.taskId);
    await waitForStatus(app, ok.task.taskId, ['SUCCESS']);
    await waitForStatus(app, bad.task.taskId, ['FAILED']);

    clock.advance(6 * DAY);
    expect(await app.scheduler!.purgeFinished()).toBe(0);
    clock.advance(2 * DAY);
    expect(await app.scheduler!.purgeFinished()).toBe(1);
    await expect(tasks.get(ok.task.taskId)).rejects.toBeInstanceOf(TaskNotFoundError);
    await expect(tasks.logs(ok.task.taskId)).rejects.toBeInstanceOf(TaskNotFoundError);
    expect((await tasks.get(bad.task.taskId)).status).toBe('FAILED');

    clock.advance(30 * DAY);
    expect(await app.scheduler!.purgeFinished()).toBe(1);
    // cancelled: '0' keeps cancelled tasks forever.
    expect((await tasks.get(cancelled.task.taskId)).status).toBe('CANCELLED');
    expect((await tasks.list({}, { limit: 10 })).items.map((t) => t.taskId)).toEqual([cancelled.task.taskId]);
  });

  it('works off a large backlog in batches', async () => {
    const clock = new FakeClock();
    app = await memoryApp({
      handlers: { ok: () => null },
      clock,
      config: { ...STEADY, retention: { completed: '1d', batchSize: 100 } },
    });
    await app.start();
    const created = await app.services.tasks.createMany(
      Array.from({ length: 1_050 }, () => ({ taskType: 'ok', payload: {} })),
    );
    for (const { task } of created) await waitForStatus(app, task.taskId, ['SUCCESS']);
    clock.advance(2 * DAY);
    expect(await app.scheduler!.purgeFinished()).toBe(1_050);
    expect((await app.services.tasks.list({}, { limit: 10 })).items).toEqual([]);
  });
});
