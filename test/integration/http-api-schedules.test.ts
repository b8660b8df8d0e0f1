/**
 * The schedule, task-type pause and API rate-limit surface of the HTTP API (docs/api.md,
 * "Schedules", "Task types", "Rate limits"), on the memory plugins with the api role only.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { scheduledTaskId, TOKENS } from '../../core/index.ts';
import { type ApiFixture, startApiManager } from '../helpers/http-api-manager.ts';

let f: ApiFixture | undefined;
afterEach(async () => {
  await f?.manager.stop();
  f = undefined;
});

describe('HTTP API: schedules', () => {
  it('creates, lists, reads, pauses, resumes and deletes a schedule', async () => {
    f = await startApiManager();
    const created = await f.call('POST', '/api/v1/schedules', {
      schedule_id: 'nightly',
      cron: '0 3 * * *',
      timezone: 'Europe/Paris',
      task: { task_type: 'echo', payload: { report: 'daily' }, priority: 1, max_retry: 2 },
    });
    expect(created.status).toBe(201);
    expect(created.body.data).toMatchObject({
      schedule_id: 'nightly',
      cron: '0 3 * * *',
      timezone: 'Europe/Paris',
      task: { task_type: 'echo', payload: { report: 'daily' }, priority: 1, max_retry: 2 },
      enabled: true,
      last_run_at: null,
    });
    // 03:00 in Paris is 02:00 or 01:00 UTC (winter / summer time).
    const next = new Date(created.body.data.next_run_at);
    expect(next.getTime()).toBeGreaterThan(Date.now());
    expect([1, 2]).toContain(next.getUTCHours());
    expect(next.getUTCMinutes()).toBe(0);

    const generated = await f.call('POST', '/api/v1/schedules', {
      cron: '*/10 * * * * *',
      task: { task_type: 'echo' },
    });
    expect(generated.status).toBe(201);
    expect(generated.body.data.schedule_id).toMatch(/^[0-9a-f-]{36}$/);
    expect(generated.body.data.timezone).toBe('UTC');
    expect(new Date(generated.body.data.next_run_at).getUTCSeconds() % 10).toBe(0);

    const listed = await f.call('GET', '/api/v1/schedules');
    expect(listed.status).toBe(200);
    expect(listed.body.data.map((s: { schedule_id: string }) => s.schedule_id)).toEqual(
      [generated.body.data.schedule_id, 'nightly'].sort(),
    );

    const paused = await f.call('POST', '/api/v1/schedules/nightly/pause');
    expect(paused.body.data).toMatchObject({ enabled: false, next_run_at: null });
    const resumed = await f.call('POST', '/api/v1/schedules/nightly/resume');
    expect(resumed.body.data.enabled).toBe(true);
    expect(resumed.body.data.next_run_at).toBe(created.body.data.next_run_at);
    expect((await f.call('GET', '/api/v1/schedules/nightly')).body.data.enabled).toBe(true);

    expect((await f.call('DELETE', '/api/v1/schedules/nightly')).status).toBe(200);
    const gone = await f.call('GET', '/api/v1/schedules/nightly');
    expect(gone.status).toBe(404);
    expect(gone.body.code).toBe(40402);
    expect((await f.call('DELETE', '/api/v1/schedules/nightly')).status).toBe(404);
    expect((await f.call('POST', '/api/v1/schedules/nightly/pause')).status).toBe(404);
  });

  it('answers bad schedules with their code and field', async () => {
    f = await startApiManager();
    const post = (body: unknown) => f!.call('POST', '/api/v1/schedules', body);
    const cases: [unknown, number, number, string][] = [
      [{ cron: '* * * *', task: { task_type: 'echo' } }, 400, 40001, 'cron'],
      [{ cron: '* * * * * * *', task: { task_type: 'echo' } }, 400, 40001, 'cron'],
      [{ cron: '61 * * * *', task: { task_type: 'echo' } }, 400, 40001, 'cron'],
      [{ cron: '* * * * *', timezone: 'Mars/Olympus', task: { task_type: 'echo' } }, 400, 40001, 'timezone'],
      [{ cron: '* * * * *', task: { task_type: 'nope' } }, 400, 40002, ''],
      [{ cron: '* * * * *', task: { task_type: 'retired' } }, 400, 40002, ''],
      [{ cron: '* * * * *', task: { task_type: 'echo', timeout: 0 } }, 400, 40001, 'task.timeout'],
      [{ cron: '* * * * *', schedule_id: 'a@b', task: { task_type: 'echo' } }, 400, 40001, 'schedule_id'],
      [{ cron: '* * * * *', schedule_id: 'x'.repeat(40), task: { task_type: 'echo' } }, 400, 40001, 'schedule_id'],
      [{ cron: '* * * * *' }, 400, 40001, 'task'],
    ];
    for (const [body, status, code, field] of cases) {
      const answer = await post(body);
      expect(answer.status, JSON.stringify(body)).toBe(status);
      expect(answer.body.code, JSON.stringify(body)).toBe(code);
      if (field) expect(JSON.stringify(answer.body), JSON.stringify(body)).toContain(field);
    }
    expect((await post({ schedule_id: 'once', cron: '* * * * *', task: { task_type: 'echo' } })).status).toBe(201);
    const again = await post({ schedule_id: 'once', cron: '* * * * *', task: { task_type: 'echo' } });
    expect(again.status).toBe(409);
    expect(again.body.code).toBe(40901);
  });

  it('shows schedule_id on a fired task and not on others', async () => {
    f = await startApiManager();
    const firedAt = new Date('2026-03-01T10:00:00.000Z');
    const id = scheduledTaskId('hourly', firedAt);
    await f.manager.services.tasks.createMany([
      { taskType: 'echo', payload: {}, idempotencyKey: id, firedBySchedule: true },
    ]);
    const fired = await f.call('GET', `/api/v1/tasks/${encodeURIComponent(id)}`);
    expect(fired.status).toBe(200);
    expect(fired.body.data).toMatchObject({ task_id: 'hourly@2026-03-01T10:00:00.000Z', schedule_id: 'hourly' });
    const plain = await f.call('POST', '/api/v1/tasks', { task_type: 'echo', payload: {} });
    expect((await f.call('GET', `/api/v1/tasks/${plain.body.data.task_id}`)).body.data).not.toHaveProperty(
      'schedule_id',
    );
    // Clients cannot forge a fire's id.
    const forged = await f.call('POST', '/api/v1/tasks', { task_type: 'echo', payload: {}, idempotency_key: id });
    expect(forged.status).toBe(400);
  });
});

describe('HTTP API: task types paused and rate-limited', () => {
  it('pauses and resumes a task type durably; GET shows paused and rate_limit', async () => {
    f = await startApiManager();
    const before = await f.call('GET', '/api/v1/task-types/echo');
    expect(before.body.data).toMatchObject({ paused: false, rate_limit: null });
    const paused = await f.call('POST', '/api/v1/task-types/echo/pause');
    expect(paused.status).toBe(200);
    expect(paused.body.data.paused).toBe(true);
    expect(await f.manager.resolve(TOKENS.TaskTypeControls).listTaskTypeControls()).toEqual([
      { taskType: 'echo', paused: true, rateLimit: null },
    ]);
    // Accepted while paused.
    const created = await f.call('POST', '/api/v1/tasks', { task_type: 'echo', payload: {} });
    expect(created.status).toBe(201);
    expect(
      (await f.call('GET', '/api/v1/task-types')).body.data.find((t: { task_type: string }) => t.task_type === 'echo')
        .paused,
    ).toBe(true);
    const resumed = await f.call('POST', '/api/v1/task-types/echo/resume');
    expect(resumed.body.data.paused).toBe(false);
    const missing = await f.call('POST', '/api/v1/task-types/ghost/pause');
    expect(missing.status).toBe(404);
    expect(missing.body.code).toBe(40402);
  });

  it('sets and clears a rate limit over PUT, keeping it on other edits', async () => {
    f = await startApiManager();
    const set = await f.call('PUT', '/api/v1/task-types/echo', { rate_limit: { max: 5, per_seconds: 2 } });
    expect(set.status).toBe(200);
    expect(set.body.data.rate_limit).toEqual({ max: 5, per_seconds: 2 });
    const edited = await f.call('PUT', '/api/v1/task-types/echo', { max_concurrent: 3 });
    expect(edited.body.data).toMatchObject({ max_concurrent: 3, rate_limit: { max: 5, per_seconds: 2 } });
    const bad = await f.call('PUT', '/api/v1/task-types/echo', { rate_limit: { max: 0, per_seconds: 1 } });
    expect(bad.status).toBe(400);
    expect(bad.body.code).toBe(40001);
    const cleared = await f.call('PUT', '/api/v1/task-types/echo', { rate_limit: null });
    expect(cleared.body.data.rate_limit).toBeNull();
  });
});

describe('HTTP API: request rate limit', () => {
  it('is off by default', async () => {
    f = await startApiManager();
    for (let i = 0; i < 30; i++) expect((await f.call('GET', '/api/v1/task-types')).status).toBe(200);
  });

  it('answers 429 / 42901 with Retry-After past http.rateLimitMax, per API key', async () => {
    f = await startApiManager(
      { apiKeys: 'key-one, key-two' },
      { TM_HTTP_RATE_LIMIT_MAX: '3', TM_HTTP_RATE_LIMIT_WINDOW: '1m' },
    );
    const as = (key: string) => ({ authorization: `Bearer ${key}` });
    for (let i = 0; i < 3; i++)
      expect((await f.call('GET', '/api/v1/task-types', undefined, as('key-one'))).status).toBe(200);
    const limited = await f.call('GET', '/api/v1/task-types', undefined, as('key-one'));
    expect(limited.status).toBe(429);
    expect(limited.body.code).toBe(42901);
    const retryAfter = Number(limited.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    // Another key has its own window; health checks are not counted.
    expect((await f.call('GET', '/api/v1/task-types', undefined, as('key-two'))).status).toBe(200);
    expect((await f.call('GET', '/healthz')).status).toBe(200);
  });
});
