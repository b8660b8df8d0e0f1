import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TOKENS } from '../../core/index.ts';
import { startApiManager, type ApiFixture } from '../helpers/http-api-manager.ts';
import { makeWorker } from '../helpers/plugin-fixtures.ts';

const ISO_MS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

describe('HTTP API: endpoints', () => {
  let f: ApiFixture;
  beforeAll(async () => {
    f = await startApiManager();
  });
  afterAll(async () => {
    await f?.manager.stop();
  });

  const create = async (body: Record<string, unknown> = {}) => {
    const res = await f.call('POST', '/api/v1/tasks', { task_type: 'echo', payload: { n: 1 }, ...body });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return res.body.data.task_id as string;
  };

  it('creates a task and answers the envelope with 201', async () => {
    const res = await f.call('POST', '/api/v1/tasks', {
      task_type: 'echo',
      priority: 1,
      payload: { a: 1 },
      timeout: 30,
      max_retry: 5,
    });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({
      code: 0,
      message: 'success',
      data: { task_id: expect.any(String), status: 'PENDING', created: true },
    });
    expect(res.body.data.task_id).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('returns the task with every field of docs/design.md#task-model in snake_case', async () => {
    const id = await create({ priority: 1, timeout: 30, max_retry: 5 });
    const res = await f.call('GET', `/api/v1/tasks/${id}`);
    expect(res.status).toBe(200);
    const task = res.body.data;
    expect(Object.keys(task).sort()).toEqual(
      [
        'task_id',
        'task_type',
        'priority',
        'status',
        'payload',
        'result',
        'error_msg',
        'retry_count',
        'max_retry',
        'timeout',
        'worker_id',
        'scheduled_at',
        'started_at',
        'completed_at',
        'created_at',
        'updated_at',
        'progress',
        'depends_on',
      ].sort(),
    );
    expect(task).toMatchObject({
      task_id: id,
      task_type: 'echo',
      priority: 1,
      status: 'PENDING',
      payload: { n: 1 },
      result: null,
      error_msg: null,
      retry_count: 0,
      max_retry: 5,
      timeout: 30,
      worker_id: null,
      started_at: null,
      completed_at: null,
      progress: null,
    });
    for (const field of ['scheduled_at', 'created_at', 'updated_at']) expect(task[field]).toMatch(ISO_MS);
  });

  it('applies the task type defaults and schedules delay / run_at', async () => {
    const plain = (await f.call('GET', `/api/v1/tasks/${await create()}`)).body.data;
    expect(plain).toMatchObject({ priority: 0, timeout: 300, max_retry: 3 });

    const delayed = (await f.call('GET', `/api/v1/tasks/${await create({ delay: 60 })}`)).body.data;
    const gap = Date.parse(delayed.scheduled_at) - Date.parse(delayed.created_at);
    expect(gap).toBe(60_000);

    const runAt = '2099-01-02T03:04:05.000Z';
    const scheduled = (await f.call('GET', `/api/v1/tasks/${await create({ run_at: '2099-01-02T04:04:05+01:00' })}`))
      .body.data;
    expect(scheduled.scheduled_at).toBe(runAt);
  });

  it('is idempotent by body key and by Idempotency-Key header', async () => {
    const first = await f.call('POST', '/api/v1/tasks', {
      task_type: 'echo',
      payload: {},
      idempotency_key: 'order-42',
    });
    const second = await f.call('POST', '/api/v1/tasks', {
      task_type: 'echo',
      payload: { other: true },
      idempotency_key: 'order-42',
    });
    expect(first.status).toBe(201);
    expect(second.status).toBe(200);
    expect(first.body.data).toEqual({ task_id: 'order-42', status: 'PENDING', created: true });
    expect(second.body.data).toEqual({ task_id: 'order-42', status: 'PENDING', created: false });

    const h1 = await f.call(
      'POST',
      '/api/v1/tasks',
      { task_type: 'echo', payload: {} },
      { 'Idempotency-Key': 'hdr-1' },
    );
    const h2 = await f.call(
      'POST',
      '/api/v1/tasks',
      { task_type: 'echo', payload: {} },
      { 'Idempotency-Key': 'hdr-1' },
    );
    expect([h1.status, h2.status]).toEqual([201, 200]);
    expect(h2.body.data).toMatchObject({ task_id: 'hdr-1', created: false });
  });

  it('creates a batch and reports each task', async () => {
    const res = await f.call('POST', '/api/v1/tasks/batch', {
      tasks: [
        { task_type: 'echo', payload: { i: 0 } },
        { task_type: 'echo', payload: { i: 1 }, priority: 1 },
        { task_type: 'echo', payload: {}, idempotency_key: 'order-42' },
      ],
    });
    expect(res.status).toBe(201);
    expect(res.body.data.task_ids).toHaveLength(3);
    expect(res.body.data.task_ids[2]).toBe('order-42');
    expect(res.body.data.tasks.map((t: { created: boolean }) => t.created)).toEqual([true, true, false]);
    const second = await f.call('GET', `/api/v1/tasks/${res.body.data.task_ids[1]}`);
    expect(second.body.data).toMatchObject({ priority: 1, payload: { i: 1 } });
  });

  it('lists with filters and walks every page with the cursor', async () => {
    const ids = [];
    for (let i = 0; i < 5; i++) ids.push(await create({ priority: 1, payload: { page: i } }));
    await f.call('PUT', '/api/v1/task-types/paged', { executor_type: 'demo' });
    const paged = [];
    for (let i = 0; i < 5; i++) {
      const res = await f.call('POST', '/api/v1/tasks', { task_type: 'paged', payload: { i } });
      paged.push(res.body.data.task_id);
    }
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const query: string = `task_type=paged&limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
      const res = await f.call('GET', `/api/v1/tasks?${query}`);
      expect(res.status).toBe(200);
      expect(res.body.data.items.length).toBeLessThanOrEqual(2);
      seen.push(...res.body.data.items.map((t: { task_id: string }) => t.task_id));
      cursor = res.body.data.next_cursor;
      pages++;
    } while (cursor && pages < 10);
    expect(seen).toHaveLength(5);
    expect(new Set(seen)).toEqual(new Set(paged));

    await f.forceStatus(paged[0]!, ['PROCESSING']);
    const processing = await f.call('GET', '/api/v1/tasks?status=PROCESSING,SUCCESS&task_type=paged');
    expect(processing.body.data.items.map((t: { task_id: string }) => t.task_id)).toEqual([paged[0]]);
    const byWorker = await f.call('GET', '/api/v1/tasks?worker_id=worker-test');
    expect(byWorker.body.data.items.map((t: { task_id: string }) => t.task_id)).toContain(paged[0]);

    const high = await f.call('GET', '/api/v1/tasks?priority=1&limit=1000');
    for (const t of high.body.data.items) expect(t.priority).toBe(1);
    expect(high.body.data.items.map((t: { task_id: string }) => t.task_id)).toEqual(expect.arrayContaining(ids));

    const future = await f.call('GET', `/api/v1/tasks?created_from=${encodeURIComponent('2099-01-01T00:00:00Z')}`);
    expect(future.body.data).toEqual({ items: [], next_cursor: null });
    const past = await f.call('GET', `/api/v1/tasks?created_to=${encodeURIComponent('2000-01-01T00:00:00Z')}`);
    expect(past.body.data.items).toEqual([]);
  });

  it('cancels a pending task, then refuses to cancel it again', async () => {
    const id = await create();
    const res = await f.call('POST', `/api/v1/tasks/${id}/cancel`);
    expect(res.status).toBe(200);
    expect(res.body.code).toBe(0);
    expect(res.body.message).toBe('Task cancelled successfully');
    expect(res.body.data).toMatchObject({ task_id: id, status: 'CANCELLED' });
    expect(res.body.data.completed_at).toMatch(ISO_MS);

    const again = await f.call('POST', `/api/v1/tasks/${id}/cancel`);
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({ code: 40901, message: expect.stringContaining('CANCELLED') });
  });

  it('retries a FAILED task and refuses to retry a PENDING one', async () => {
    const id = await create();
    const pending = await f.call('POST', `/api/v1/tasks/${id}/retry`);
    expect(pending.status).toBe(409);
    expect(pending.body.code).toBe(40901);

    await f.forceStatus(id, ['PROCESSING', 'FAILED']);
    const res = await f.call('POST', `/api/v1/tasks/${id}/retry`);
    expect(res.status).toBe(200);
    expect(res.body.data).toMatchObject({ task_id: id, status: 'PENDING', retry_count: 0, worker_id: null });

    const success = await create();
    await f.forceStatus(success, ['PROCESSING', 'SUCCESS']);
    const cancelDone = await f.call('POST', `/api/v1/tasks/${success}/cancel`);
    expect(cancelDone.status).toBe(409);
    expect(cancelDone.body.code).toBe(40901);
  });

  it('returns the log rows oldest first', async () => {
    const id = await create();
    await f.call('POST', `/api/v1/tasks/${id}/cancel`);
    const res = await f.call('GET', `/api/v1/tasks/${id}/logs`);
    expect(res.status).toBe(200);
    const logs = res.body.data;
    expect(logs.map((l: { message: string }) => l.message)).toEqual(['Task created', 'Task cancelled by user']);
    expect(Object.keys(logs[0]).sort()).toEqual(
      [
        'id',
        'log_type',
        'from_status',
        'to_status',
        'message',
        'worker_id',
        'retry_count',
        'error_detail',
        'created_at',
      ].sort(),
    );
    expect(logs[0]).toMatchObject({ log_type: 'STATE_CHANGE', from_status: null, to_status: 'PENDING' });
    expect(logs[1]).toMatchObject({ from_status: 'PENDING', to_status: 'CANCELLED' });
    expect(logs[0].created_at).toMatch(ISO_MS);
  });

  it('lists, reads and writes task types', async () => {
    const list = await f.call('GET', '/api/v1/task-types');
    expect(list.status).toBe(200);
    expect(list.body.data.map((t: { task_type: string }) => t.task_type)).toEqual(
      expect.arrayContaining(['echo', 'retired']),
    );

    const echo = await f.call('GET', '/api/v1/task-types/echo');
    expect(echo.body.data).toMatchObject({
      task_type: 'echo',
      task_name: 'echo',
      executor_type: 'demo',
      executor_config: {},
      default_timeout: 300,
      default_max_retry: 3,
      retry_strategy: 'FIXED',
      retry_delay: 10,
      backoff_rate: 2,
      max_concurrent: 10,
      enabled: true,
    });

    const created = await f.call('PUT', '/api/v1/task-types/report.build', {
      task_name: 'Build report',
      executor_type: 'demo',
      executor_config: { url: 'http://x' },
      default_timeout: 60,
      default_max_retry: 1,
      retry_strategy: 'exponential',
      retry_delay: 2,
      backoff_rate: 3,
      max_concurrent: 4,
    });
    expect(created.status).toBe(200);
    expect(created.body.data).toMatchObject({
      task_type: 'report.build',
      task_name: 'Build report',
      retry_strategy: 'EXPONENTIAL',
      default_timeout: 60,
    });

    const disabled = await f.call('PUT', '/api/v1/task-types/report.build', { enabled: false });
    expect(disabled.body.data).toMatchObject({
      enabled: false,
      default_timeout: 60,
      executor_config: { url: 'http://x' },
    });
    const refused = await f.call('POST', '/api/v1/tasks', { task_type: 'report.build', payload: {} });
    expect(refused.status).toBe(400);
    expect(refused.body.code).toBe(40002);
    expect((await f.call('GET', '/api/v1/task-types/report.build')).body.data.enabled).toBe(false);
  });

  it('shows workers, the scheduler and queue lengths', async () => {
    await f.manager
      .resolve(TOKENS.Coordination)
      .workers.register(makeWorker('worker-a', { lastHeartbeat: new Date() }), 60_000);
    const workers = await f.call('GET', '/api/v1/workers');
    expect(workers.status).toBe(200);
    expect(workers.body.data).toEqual([
      expect.objectContaining({
        worker_id: 'worker-a',
        status: 'ONLINE',
        healthy: true,
        capacity: 10,
        in_flight: 0,
        supported_types: ['echo'],
      }),
    ]);
    expect(workers.body.data[0].last_heartbeat).toMatch(ISO_MS);

    const scheduler = await f.call('GET', '/api/v1/scheduler');
    expect(scheduler.body.data).toEqual({
      leader_id: null,
      is_leader: false,
      scheduler_id: null,
      leader_since: null,
      lock_ttl_ms: 10_000,
    });

    const before = (await f.call('GET', '/api/v1/queues')).body.data;
    await create({ priority: 1 });
    const after = (await f.call('GET', '/api/v1/queues')).body.data;
    expect(after).toMatchObject({
      high: before.high + 1,
      normal: before.normal,
      claimed: 0,
      workers: expect.any(Object),
    });
    expect(after.delayed).toBeGreaterThan(0);
  });

  it('counts tasks by status, every status present', async () => {
    const before = (await f.call('GET', '/api/v1/stats')).body.data;
    expect(Object.keys(before.tasks.by_status).sort()).toEqual([
      'CANCELLED',
      'FAILED',
      'PENDING',
      'PROCESSING',
      'SUCCESS',
      'TIMEOUT',
    ]);
    const id = await create({ delay: 3600 });
    await f.call('POST', `/api/v1/tasks/${id}/cancel`);
    await create({ delay: 3600 });
    const after = await f.call('GET', '/api/v1/stats');
    expect(after.status).toBe(200);
    expect(after.body.data.tasks.by_status).toEqual({
      ...before.tasks.by_status,
      PENDING: before.tasks.by_status.PENDING + 1,
      CANCELLED: before.tasks.by_status.CANCELLED + 1,
    });
    const sum = Object.values(after.body.data.tasks.by_status as Record<string, number>).reduce((a, b) => a + b, 0);
    expect(after.body.data.tasks.total).toBe(sum);
    expect(after.body.data.tasks.total).toBe(before.tasks.total + 2);
  });

  it('answers health, readiness, metrics and docs', async () => {
    expect(await f.call('GET', '/healthz')).toMatchObject({ status: 200, body: { code: 0, data: { status: 'ok' } } });
    const ready = await f.call('GET', '/readyz');
    expect(ready.status).toBe(200);
    expect(ready.body.data).toEqual({ status: 'ready', checks: { storage: 'ok', queue: 'ok', coordination: 'ok' } });

    const app = f.api.app!;
    const metrics = await app.request('/metrics');
    expect(metrics.status).toBe(200);
    expect(await metrics.text()).toMatch(/# (HELP|TYPE) /);
    expect(metrics.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    const docs = await app.request('/docs');
    expect(docs.headers.get('content-type')).toMatch(/text\/html/);
    expect(await docs.text()).toContain('data-url="/openapi.json"');
    const viewer = await app.request('/docs/assets/swagger-ui-bundle.js');
    expect(viewer.status).toBe(200);
    expect(viewer.headers.get('content-type')).toMatch(/javascript/);
    expect((await app.request('/docs/assets/nope.js')).status).toBe(404);
  });

  it('echoes X-Request-Id, generates one otherwise, and logs each request at debug', async () => {
    const given = await f.call('GET', '/healthz', undefined, { 'X-Request-Id': 'trace-abc-123' });
    expect(given.headers.get('x-request-id')).toBe('trace-abc-123');
    const generated = await f.call('GET', '/api/v1/tasks/nope');
    expect(generated.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    expect(f.logLines).toContainEqual([
      expect.objectContaining({ req_id: 'trace-abc-123', method: 'GET', path: '/healthz', status: 200 }),
      'http request',
    ]);
  });

  it('listens on a real port (Content-Length checked before the body is read)', async () => {
    const base = `http://127.0.0.1:${f.api.port}`;
    expect(f.api.port).toBeGreaterThan(0);
    const health = await fetch(`${base}/healthz`);
    expect(health.status).toBe(200);
    const big = JSON.stringify({ task_type: 'echo', payload: { blob: 'x'.repeat(1024 * 1024) } });
    const res = await fetch(`${base}/api/v1/tasks`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: big,
    });
    expect(res.status).toBe(413);
    expect(await res.json()).toMatchObject({ code: 41301 });
  });
});
