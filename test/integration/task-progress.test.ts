import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TaskManager } from '../../core/index.ts';
import { httpApi } from '../../plugins/http-api/index.ts';
import { gate, memoryApp, waitForStatus } from '../helpers/memory-app.ts';
import { waitFor } from '../helpers/wait.ts';

/**
 * Progress end to end: a handler reports through ctx.progress, the task shows it in
 * GET /api/v1/tasks/:id while it runs and after it ends, its log has rate-limited rows, and
 * the bus carries task_progress.
 */
describe('task progress through the worker and the HTTP API', () => {
  let app: TaskManager;
  const api = httpApi();
  const halfway = gate();
  const release = gate();
  const events: [string, number, string | undefined][] = [];

  beforeAll(async () => {
    app = await memoryApp({
      handlers: {
        async chatty(_payload, ctx) {
          for (let i = 1; i <= 2_000; i++) ctx.progress(i / 40, `row ${i}`);
          halfway.open();
          await release.promise;
          ctx.progress(100, 'done');
          return { rows: 2_000 };
        },
        quiet: () => ({ ok: true }),
      },
      config: { app: { port: 0, host: '127.0.0.1', logLevel: 'silent' }, plugins: [api] },
    });
    app.events.on('task_progress', (e) => {
      events.push([e.taskId, e.percent, e.message]);
    });
    await app.start();
  });

  afterAll(async () => {
    release.open();
    await app?.stop();
  });

  const get = async (id: string) => {
    const res = await api.app!.request(`/api/v1/tasks/${id}`);
    return ((await res.json()) as { data: Record<string, unknown> }).data;
  };

  it('shows progress while running and the last report once done, with at most one log row per second plus the last', async () => {
    const created = await api.app!.request('/api/v1/tasks', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ task_type: 'chatty', payload: {} }),
    });
    const id = ((await created.json()) as { data: { task_id: string } }).data.task_id;
    expect((await get(id)).progress).toBeNull();

    await halfway.promise;
    const running = await waitFor(
      async () => {
        const task = await get(id);
        return (task.progress as { percent?: number } | null)?.percent === 50 ? task : undefined;
      },
      { message: 'progress 50% on the running task' },
    );
    expect(running.status).toBe('PROCESSING');
    expect(running.progress).toEqual({ percent: 50, message: 'row 2000', updated_at: expect.stringMatching(/Z$/) });

    release.open();
    await waitForStatus(app, id, ['SUCCESS']);
    const done = await get(id);
    expect(done.progress).toMatchObject({ percent: 100, message: 'done' });

    const logs = (
      (await (await api.app!.request(`/api/v1/tasks/${id}/logs`)).json()) as { data: { message: string }[] }
    ).data.map((l) => l.message);
    const progressRows = logs.filter((m) => m.startsWith('Progress'));
    // The first report at once; the rest held back by the one-second limit, the last written before the outcome.
    expect(progressRows[0]).toBe('Progress 0%: row 1');
    expect(progressRows.at(-1)).toBe('Progress 100%: done');
    expect(progressRows.length).toBeLessThanOrEqual(3);
    expect(logs.indexOf('Progress 100%: done')).toBeLessThan(logs.indexOf('Task completed successfully'));

    const ours = events.filter(([taskId]) => taskId === id);
    expect(ours.at(-1)).toEqual([id, 100, 'done']);
    expect(ours.length).toBeLessThan(10);
  });

  it('the OpenAPI document describes progress on the task', async () => {
    const doc = (await (await api.app!.request('/openapi.json')).json()) as {
      components: { schemas: Record<string, { properties: Record<string, unknown> }> };
    };
    expect(doc.components.schemas.Task?.properties.progress).toBeDefined();
    expect(doc.components.schemas.TaskProgress?.properties).toHaveProperty('percent');
  });

  it('a task that never reports keeps progress null', async () => {
    const { task } = await app.services.tasks.create({ taskType: 'quiet', payload: {} });
    await waitForStatus(app, task.taskId, ['SUCCESS']);
    expect((await get(task.taskId)).progress).toBeNull();
  });
});
