import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClusterService, HttpRoute } from '../../core/index.ts';
import { createHttpApp } from '../../plugins/http-api/index.ts';
import { startApiManager, type ApiFixture } from '../helpers/http-api-manager.ts';

describe('HTTP API: errors', () => {
  let f: ApiFixture;
  beforeAll(async () => {
    f = await startApiManager({ batchLimit: 3, maxPayloadBytes: 2048 });
  });
  afterAll(async () => {
    await f?.manager.stop();
  });

  const createWith = (body: unknown) => f.call('POST', '/api/v1/tasks', body);

  it('rejects malformed JSON with 40001', async () => {
    const res = await createWith('{"task_type": "echo", payload: }');
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ code: 40001, message: 'request body is not valid JSON' });
  });

  it('rejects a body that is not JSON by content type', async () => {
    const res = await f.call('POST', '/api/v1/tasks', 'task_type=echo', {
      'content-type': 'application/x-www-form-urlencoded',
    });
    expect(res.status).toBe(415);
    expect(res.body.code).toBe(40001);
  });

  it.each([
    ['priority as a string', { priority: '1' }, 'priority'],
    ['priority 7', { priority: 7 }, 'priority'],
    ['priority 0.5', { priority: 0.5 }, 'priority'],
    ['payload as an array', { payload: [1, 2] }, 'payload'],
    ['payload missing', { payload: undefined }, 'payload'],
    ['timeout 0', { timeout: 0 }, 'timeout'],
    ['max_retry -1', { max_retry: -1 }, 'max_retry'],
    ['task_type with spaces', { task_type: 'send email' }, 'task_type'],
    ['task_type missing', { task_type: undefined }, 'task_type'],
    ['delay negative', { delay: -5 }, 'delay'],
    ['run_at not a date', { run_at: 'tomorrow' }, 'run_at'],
    ['idempotency_key with a slash', { idempotency_key: 'a/b' }, 'idempotency_key'],
    ['an unknown field', { max_retries: 2 }, 'max_retries'],
  ])('rejects %s with 40001 naming the field', async (_name, override, field) => {
    const res = await createWith({ task_type: 'echo', payload: {}, ...override });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe(40001);
    expect(res.body.message).toContain(field);
    expect(res.body.details).toContainEqual(expect.objectContaining({ path: field }));
  });

  it('rejects a body that is not an object, and delay with run_at together', async () => {
    expect((await createWith([])).body.code).toBe(40001);
    const both = await createWith({ task_type: 'echo', payload: {}, delay: 1, run_at: '2099-01-01T00:00:00Z' });
    expect(both.status).toBe(400);
    expect(both.body.code).toBe(40001);
  });

  it('rejects an unknown or disabled task type with 40002 and creates nothing', async () => {
    const before = (await f.call('GET', '/api/v1/tasks?limit=1000')).body.data.items.length;
    const unknown = await createWith({ task_type: 'nope', payload: {} });
    expect(unknown.status).toBe(400);
    expect(unknown.body).toMatchObject({ code: 40002, message: expect.stringContaining('nope') });
    const disabled = await createWith({ task_type: 'retired', payload: {} });
    expect(disabled.body).toMatchObject({ code: 40002, message: expect.stringContaining('disabled') });
    expect((await f.call('GET', '/api/v1/tasks?limit=1000')).body.data.items.length).toBe(before);
  });

  it('rejects a batch over the limit, and names the index of a bad task', async () => {
    const task = { task_type: 'echo', payload: {} };
    const over = await f.call('POST', '/api/v1/tasks/batch', { tasks: [task, task, task, task] });
    expect(over.status).toBe(400);
    expect(over.body).toMatchObject({ code: 40001, message: expect.stringContaining('1 to 3') });
    const empty = await f.call('POST', '/api/v1/tasks/batch', { tasks: [] });
    expect(empty.body.code).toBe(40001);

    const badIndex = await f.call('POST', '/api/v1/tasks/batch', { tasks: [task, { ...task, priority: 9 }] });
    expect(badIndex.status).toBe(400);
    expect(badIndex.body.message).toContain('tasks[1].priority');
    expect(badIndex.body.details).toEqual([{ path: 'tasks[1].priority', message: expect.any(String), index: 1 }]);

    const before = (await f.call('GET', '/api/v1/tasks?limit=1000')).body.data.items.length;
    const unknownType = await f.call('POST', '/api/v1/tasks/batch', {
      tasks: [task, task, { task_type: 'nope', payload: {} }],
    });
    expect(unknownType.body.code).toBe(40002);
    expect((await f.call('GET', '/api/v1/tasks?limit=1000')).body.data.items.length).toBe(before);
  });

  it('rejects an oversized body with 413 / 41301 while streaming it', async () => {
    const res = await createWith({ task_type: 'echo', payload: { blob: 'x'.repeat(4096) } });
    expect(res.status).toBe(413);
    expect(res.body).toMatchObject({ code: 41301, details: { limit_bytes: 2048 } });
  });

  it('answers 40401 for an unknown task id on every task route', async () => {
    for (const [method, path] of [
      ['GET', '/api/v1/tasks/missing'],
      ['POST', '/api/v1/tasks/missing/cancel'],
      ['POST', '/api/v1/tasks/missing/retry'],
      ['GET', '/api/v1/tasks/missing/logs'],
    ] as const) {
      const res = await f.call(method, path);
      expect(res.status, path).toBe(404);
      expect(res.body, path).toMatchObject({ code: 40401, message: expect.stringContaining('missing') });
    }
  });

  it('rejects bad list parameters with 40001', async () => {
    for (const query of [
      'limit=0',
      'limit=1001',
      'limit=abc',
      'status=DONE',
      'status=PENDING,',
      'priority=2',
      'created_from=yesterday',
      'cursor=%21%21',
    ]) {
      const res = await f.call('GET', `/api/v1/tasks?${query}`);
      expect(res.status, query).toBe(400);
      expect(res.body.code, query).toBe(40001);
    }
  });

  it('validates task type writes and reports unknown types with 40402', async () => {
    const missing = await f.call('GET', '/api/v1/task-types/nope');
    expect(missing).toMatchObject({ status: 404, body: { code: 40402 } });
    const noExecutor = await f.call('PUT', '/api/v1/task-types/fresh', { task_name: 'Fresh' });
    expect(noExecutor).toMatchObject({
      status: 400,
      body: { code: 40001, message: expect.stringContaining('executor_type') },
    });
    const badStrategy = await f.call('PUT', '/api/v1/task-types/fresh', {
      executor_type: 'demo',
      retry_strategy: 'LINEAR',
    });
    expect(badStrategy.body).toMatchObject({ code: 40001, message: expect.stringContaining('retry_strategy') });
    const badName = await f.call('PUT', '/api/v1/task-types/has%20space', { executor_type: 'demo' });
    expect(badName.body.code).toBe(40001);
  });

  it('answers 40402 for an unknown route and for a wrong method', async () => {
    const route = await f.call('GET', '/api/v1/nothing-here');
    expect(route).toMatchObject({
      status: 404,
      body: { code: 40402, message: expect.stringContaining('/api/v1/nothing-here') },
    });
    const method = await f.call('DELETE', '/api/v1/tasks');
    expect(method.status).toBe(404);
    expect(method.body.code).toBe(40402);
  });
});

describe('HTTP API: auth, readiness and unexpected errors', () => {
  let f: ApiFixture;
  beforeAll(async () => {
    f = await startApiManager();
  });
  afterAll(async () => {
    await f?.manager.stop();
  });

  const routes: HttpRoute[] = [
    { method: 'GET', path: '/open', public: true, handle: () => new Response('open') },
    { method: 'GET', path: '/closed', handle: () => new Response('closed') },
    {
      method: 'GET',
      path: '/explode',
      handle: () => {
        throw new Error('secret database password in this message');
      },
    },
  ];

  it('requires a valid bearer key on every route except health, docs and public ones', async () => {
    const app = createHttpApp({ ...f.manager.services, routes, options: { apiKeys: 'key-one, key-two' } });
    const get = (path: string, key?: string) =>
      app.request(path, key ? { headers: { Authorization: `Bearer ${key}` } } : {});

    for (const path of ['/api/v1/tasks', '/api/v1/workers', '/closed', '/api/v1/unknown']) {
      const missing = await get(path);
      expect(missing.status, path).toBe(401);
      expect(await missing.json(), path).toMatchObject({ code: 40101 });
      const wrong = await get(path, 'key-three');
      expect(wrong.status, path).toBe(401);
    }
    expect((await get('/api/v1/tasks', 'key-one')).status).toBe(200);
    expect((await get('/api/v1/workers', 'key-two')).status).toBe(200);
    expect((await get('/closed', 'key-two')).status).toBe(200);
    expect((await app.request('/api/v1/tasks', { headers: { Authorization: 'Basic key-one' } })).status).toBe(401);
    for (const path of ['/healthz', '/readyz', '/docs', '/openapi.json', '/open'])
      expect((await get(path)).status, path).toBe(200);
  });

  it('takes API keys from TM_HTTP_API_KEYS as a comma-separated list', async () => {
    const g = await startApiManager({}, { TM_HTTP_API_KEYS: 'env-a, env-b' });
    try {
      expect((await g.call('GET', '/api/v1/tasks')).status).toBe(401);
      expect((await g.call('GET', '/api/v1/tasks', undefined, { Authorization: 'Bearer env-b' })).status).toBe(200);
      expect((await g.api.app!.request('/metrics')).status).toBe(200);
    } finally {
      await g.manager.stop();
    }
  });

  it('answers 503 from /readyz with the failing check', async () => {
    const cluster = {
      readiness: async () => ({
        ready: false,
        checks: { storage: 'ok', queue: 'connect ECONNREFUSED', coordination: 'ok' },
      }),
    } as unknown as ClusterService;
    const app = createHttpApp({ tasks: f.manager.services.tasks, cluster });
    const res = await app.request('/readyz');
    expect(res.status).toBe(503);
    expect(await res.json()).toEqual({
      code: 50301,
      message: 'not ready',
      details: { status: 'not_ready', checks: { storage: 'ok', queue: 'connect ECONNREFUSED', coordination: 'ok' } },
    });
    expect((await app.request('/healthz')).status).toBe(200);
  });

  it('answers an unexpected error with 500 / 50001 and no stack, and logs it with the request id', async () => {
    const lines: unknown[] = [];
    const logger = {
      debug() {},
      info() {},
      warn() {},
      error: (obj: object, msg?: string) => lines.push([obj, msg]),
      child: () => logger,
    };
    const app = createHttpApp({ ...f.manager.services, routes, logger });
    const res = await app.request('/explode', { headers: { 'X-Request-Id': 'req-500' } });
    expect(res.status).toBe(500);
    const text = await res.text();
    expect(JSON.parse(text)).toEqual({ code: 50001, message: 'internal error' });
    expect(text).not.toContain('secret');
    expect(text).not.toContain('at ');
    expect(lines).toEqual([
      [expect.objectContaining({ req_id: 'req-500', err: expect.any(Error) }), expect.any(String)],
    ]);
  });
});
