/**
 * Pause / resume per task type and per-type rate limits, applied by the leader's dispatch
 * rounds (docs/design.md#pause-and-rate-limits), on the embedded plugins.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { TOKENS, type TaskManager } from '../../core/index.ts';
import { gate, memoryApp, waitForStatus } from '../helpers/memory-app.ts';

let app: TaskManager | undefined;
afterEach(async () => {
  await app?.stop();
  app = undefined;
});

describe('paused task types', () => {
  it('accepts tasks of a paused type and keeps them PENDING out of the queues; running ones finish; resume runs them', async () => {
    const running = gate();
    const release = gate();
    app = await memoryApp({
      handlers: {
        held: async (payload) => {
          if (payload.block) {
            running.open();
            await release.promise;
          }
          return null;
        },
        free: () => null,
      },
    });
    await app.start();
    const tasks = app.services.tasks;
    const inFlight = await tasks.create({ taskType: 'held', payload: { block: true } });
    await running.promise;
    await tasks.pauseTaskType('held');
    const waiting = await tasks.createMany(Array.from({ length: 5 }, () => ({ taskType: 'held', payload: {} })));
    // The running one finishes.
    release.open();
    await waitForStatus(app, inFlight.task.taskId, ['SUCCESS']);
    // Rounds keep running for other types...
    const other = await tasks.create({ taskType: 'free', payload: {} });
    await waitForStatus(app, other.task.taskId, ['SUCCESS']);
    const rounds = app.scheduler!;
    for (let i = 0; i < 3; i++) await rounds.tick();
    // ...while the paused type's tasks wait PENDING in no ready queue: no round reads them again.
    for (const { task } of waiting) expect((await tasks.get(task.taskId)).status).toBe('PENDING');
    const lengths = await app.resolve(TOKENS.Queue).lengths();
    expect(lengths.high + lengths.normal + lengths.claimed).toBe(0);
    // Reconciliation leaves them alone too.
    expect(await rounds.reconcile()).toBe(0);

    expect((await tasks.getTaskType('held')).paused).toBe(true);
    await tasks.resumeTaskType('held');
    for (const { task } of waiting) await waitForStatus(app, task.taskId, ['SUCCESS']);
  });

  it('keeps the pause across a config sync (a restart rewrites definitions)', async () => {
    app = await memoryApp({ handlers: { held: () => null } });
    await app.start();
    await app.services.tasks.pauseTaskType('held');
    await app.services.tasks.putTaskType({ taskType: 'held', executorType: 'local', maxConcurrent: 2 });
    expect((await app.services.tasks.getTaskType('held')).paused).toBe(true);
  });
});

describe('rate-limited task types', () => {
  it('dispatches at most max per window; the others wait and run in later windows', async () => {
    const started: number[] = [];
    app = await memoryApp({
      handlers: { limited: () => void started.push(Date.now()), free: () => null },
      taskTypes: [{ taskType: 'limited', rateLimit: { max: 2, per: '400ms' } }],
    });
    await app.start();
    expect((await app.services.tasks.getTaskType('limited')).rateLimit).toEqual({ max: 2, perMs: 400 });
    const created = await app.services.tasks.createMany(
      Array.from({ length: 6 }, () => ({ taskType: 'limited', payload: {} })),
    );
    const free = await app.services.tasks.create({ taskType: 'free', payload: {} });
    for (const { task } of created) await waitForStatus(app, task.taskId, ['SUCCESS']);
    await waitForStatus(app, free.task.taskId, ['SUCCESS']);
    const stored = await Promise.all(created.map(({ task }) => app!.services.tasks.get(task.taskId)));
    const starts = stored.map((t) => t.startedAt!.getTime()).sort((a, b) => a - b);
    // Three windows at least: the sixth started two windows after the first.
    expect(starts[5]! - starts[0]!).toBeGreaterThanOrEqual(2 * 400 - 20);
    // The first window let two through, no more.
    expect(starts.filter((t) => t < starts[0]! + 400 - 20)).toHaveLength(2);
    // None failed or was retried for the limit.
    for (const task of stored) expect(task.retryCount).toBe(0);
  });
});
