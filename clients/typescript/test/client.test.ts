/**
 * The TypeScript client against a live embedded-default server (memory storage and queue,
 * the demo task types), as a user runs it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TaskManagerClient, TaskManagerError, WaitTimeoutError, type Task } from '../src/index.ts';
import { startFrontProxy, type FrontProxy } from './front-proxy.ts';
import { startLiveServer, type LiveServer } from './live-server.ts';

let server: LiveServer;
let client: TaskManagerClient;

beforeAll(async () => {
  server = await startLiveServer();
  client = new TaskManagerClient({ baseUrl: server.baseUrl });
}, 40_000);

afterAll(async () => {
  await server?.stop();
});

/** A fetch that records the paths it was asked for. */
function recordingFetch(paths: string[]): typeof fetch {
  return (input, init) => {
    paths.push(new URL(String(input)).pathname);
    return fetch(input, init);
  };
}

describe('TaskManagerClient against a live server', () => {
  it('creates an echo task and waits for SUCCESS with its result', async () => {
    const created = await client.createTask({ task_type: 'echo', priority: 1, payload: { hello: 'world', n: 2 } });
    expect(created).toMatchObject({ status: 'PENDING', created: true });
    const task = await client.waitForTask(created.task_id, { timeoutMs: 10_000 });
    expect(task).toMatchObject({
      task_id: created.task_id,
      status: 'SUCCESS',
      priority: 1,
      result: { hello: 'world', n: 2 },
    });
  });

  it('waits on the real GET /api/v1/events: one stream, and one task read per event instead of polling', async () => {
    const paths: string[] = [];
    const listening = new TaskManagerClient({ baseUrl: server.baseUrl, fetch: recordingFetch(paths) });
    const { task_id } = await listening.createTask({ task_type: 'sleep', payload: { ms: 500 } });
    const task = await listening.waitForTask(task_id, { timeoutMs: 10_000, pollIntervalMs: 10 });
    expect(task.status).toBe('SUCCESS');
    expect(paths.filter((p) => p === '/api/v1/events')).toHaveLength(1);
    // Polling every 10 ms for 500 ms would read the task some fifty times; the stream's events
    // (created, assigned, completed) make a read each, plus the first one.
    expect(paths.filter((p) => p === `/api/v1/tasks/${task_id}`).length).toBeLessThanOrEqual(5);
  });

  it('reads a task and its logs', async () => {
    const { task_id } = await client.createTask({ task_type: 'echo', payload: {} });
    await client.waitForTask(task_id, { timeoutMs: 10_000 });
    const task = await client.getTask(task_id);
    expect(task.status).toBe('SUCCESS');
    expect(task.completed_at).toMatch(/Z$/);
    const logs = await client.getTaskLogs(task_id);
    expect(logs.map((log) => `${log.from_status}>${log.to_status}`)).toEqual([
      'null>PENDING',
      'PENDING>PROCESSING',
      'PROCESSING>SUCCESS',
    ]);
    expect(logs[0]?.message).toBe('Task created');
  });

  it('creates a batch and lists it page by page with the async iterator', async () => {
    const batch = await client.createTasks(
      Array.from({ length: 5 }, (_, i) => ({ task_type: 'sleep', payload: { ms: 1, i }, delay: 3600 })),
    );
    expect(batch.task_ids).toHaveLength(5);
    const seen: string[] = [];
    let pages = 0;
    for await (const page of client.listTasks({ task_type: 'sleep', status: 'PENDING', limit: '2' })) {
      expect(page.items.length).toBeLessThanOrEqual(2);
      pages++;
      seen.push(...page.items.map((task: Task) => task.task_id));
    }
    expect(seen).toEqual(expect.arrayContaining(batch.task_ids));
    expect(pages).toBeGreaterThanOrEqual(3);
    expect(new Set(seen).size).toBe(seen.length);
  });

  it('cancels a running task, and a second cancel fails with 409 / 40901', async () => {
    const { task_id } = await client.createTask({ task_type: 'sleep', payload: { ms: 30_000 } });
    const cancelled = await client.cancelTask(task_id);
    expect(cancelled.status).toBe('CANCELLED');
    const error = await client.cancelTask(task_id).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TaskManagerError);
    expect(error).toMatchObject({
      code: 40901,
      status: 409,
      message: 'task cannot be cancelled, current status: CANCELLED',
    });
  });

  it('retries a FAILED task', async () => {
    const { task_id } = await client.createTask({ task_type: 'fail', payload: { message: 'nope', retryable: false } });
    const failed = await client.waitForTask(task_id, { timeoutMs: 10_000 });
    expect(failed).toMatchObject({ status: 'FAILED', error_msg: 'nope' });
    const retried = await client.retryTask(task_id);
    expect(retried.retry_count).toBe(0);
    expect((await client.waitForTask(task_id, { timeoutMs: 10_000 })).status).toBe('FAILED');
    expect((await client.getTaskLogs(task_id)).some((log) => log.message === 'Task manually retried')).toBe(true);
  });

  it('creates a task that depends on another: it runs after it, and getTask shows depends_on', async () => {
    const first = await client.createTask({ task_type: 'sleep', payload: { ms: 200 } });
    const second = await client.createTask({ task_type: 'echo', payload: { after: 1 }, depends_on: [first.task_id] });
    expect((await client.getTask(second.task_id)).depends_on).toEqual([first.task_id]);
    const done = await client.waitForTask(second.task_id, { timeoutMs: 10_000 });
    const before = await client.getTask(first.task_id);
    expect(done.status).toBe('SUCCESS');
    expect(Date.parse(done.started_at!)).toBeGreaterThanOrEqual(Date.parse(before.completed_at!));
    const batch = await client.createTasks([
      { task_type: 'echo', payload: {} },
      { task_type: 'echo', payload: {}, depends_on_index: [0] },
    ]);
    expect((await client.getTask(batch.task_ids[1]!)).depends_on).toEqual([batch.task_ids[0]]);
  });

  it('cancels and retries in bulk by filter', async () => {
    const created_from = new Date().toISOString();
    const waiting = await client.createTasks([
      { task_type: 'echo', payload: {}, delay: 3_600 },
      { task_type: 'echo', payload: {}, delay: 3_600 },
    ]);
    expect(await client.cancelTasks({ filter: { status: 'PENDING', created_from }, limit: 10 })).toEqual({ count: 2 });
    for (const id of waiting.task_ids) expect((await client.getTask(id)).status).toBe('CANCELLED');
    expect(await client.retryTasks({ filter: { status: 'SUCCESS' } })).toEqual({ count: 0 });
  });

  it('raises TaskManagerError with the code, status, message and details', async () => {
    const missing = await client.getTask('no-such-task').catch((e: unknown) => e);
    expect(missing).toMatchObject({
      name: 'TaskManagerError',
      code: 40401,
      status: 404,
      message: 'task "no-such-task" not found',
    });

    const invalid = (await client
      .createTask({ task_type: 'echo', priority: 7, payload: {} })
      .catch((e: unknown) => e)) as TaskManagerError;
    expect(invalid).toMatchObject({ code: 40001, status: 400 });
    expect(invalid.message).toMatch(/priority/);
    expect(invalid.details).toEqual(expect.arrayContaining([expect.objectContaining({ path: 'priority' })]));

    const unknown = await client.createTask({ task_type: 'nope', payload: {} }).catch((e: unknown) => e);
    expect(unknown).toMatchObject({ code: 40002, status: 400 });
  });

  it('gives up waiting with WaitTimeoutError naming the last status', async () => {
    const { task_id } = await client.createTask({ task_type: 'sleep', payload: { ms: 1 }, delay: 3600 });
    const error = await client.waitForTask(task_id, { timeoutMs: 300, pollIntervalMs: 50 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WaitTimeoutError);
    expect(error).toMatchObject({ taskId: task_id, lastStatus: 'PENDING' });
  });
});

describe('TaskManagerClient behind a front proxy', () => {
  let proxy: FrontProxy;
  beforeAll(async () => {
    proxy = await startFrontProxy(server.baseUrl);
  });
  afterAll(async () => {
    await proxy?.close();
  });

  /** Answers 503 / 50301 to the next `count` requests matching `method` and `path`. */
  function unavailableFor(count: number, method: string, path: RegExp) {
    let left = count;
    proxy.intercept = (req, res) => {
      if (left === 0 || req.method !== method || !path.test(req.url ?? '')) return false;
      left--;
      res
        .writeHead(503, { 'content-type': 'application/json' })
        .end(JSON.stringify({ code: 50301, message: 'storage is unavailable' }));
      return true;
    };
  }

  it('retries GETs on 503 with backoff', async () => {
    const fast = new TaskManagerClient({ baseUrl: proxy.baseUrl, retryBaseMs: 10 });
    const { task_id } = await fast.createTask({ task_type: 'echo', payload: {} });
    unavailableFor(2, 'GET', /^\/api\/v1\/tasks\//);
    proxy.seen.length = 0;
    expect((await fast.getTask(task_id)).task_id).toBe(task_id);
    expect(proxy.seen.filter((s) => s.startsWith('GET /api/v1/tasks/'))).toHaveLength(3);
  });

  it('gives up after maxRetries with the 503 as TaskManagerError', async () => {
    const fast = new TaskManagerClient({ baseUrl: proxy.baseUrl, retryBaseMs: 10, maxRetries: 1 });
    unavailableFor(5, 'GET', /^\/api\/v1\/tasks\//);
    const error = await fast.getTask('anything').catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 50301, status: 503, message: 'storage is unavailable' });
  });

  it('retries a create only when it carries an idempotency key', async () => {
    const fast = new TaskManagerClient({ baseUrl: proxy.baseUrl, retryBaseMs: 10 });
    unavailableFor(1, 'POST', /^\/api\/v1\/tasks$/);
    const unkeyed = await fast.createTask({ task_type: 'echo', payload: {} }).catch((e: unknown) => e);
    expect(unkeyed).toMatchObject({ code: 50301, status: 503 });

    const key = `ts-client-${Date.now()}`;
    unavailableFor(2, 'POST', /^\/api\/v1\/tasks$/);
    const keyed = await fast.createTask({ task_type: 'echo', payload: {}, idempotency_key: key });
    expect(keyed).toMatchObject({ task_id: key, created: true });
  });

  it('polls when the server has no event stream (404), and asks for it only once', async () => {
    proxy.intercept = (req, res) => {
      if (!req.url?.startsWith('/api/v1/events')) return false;
      res
        .writeHead(404, { 'content-type': 'application/json' })
        .end(JSON.stringify({ code: 40402, message: 'not found' }));
      return true;
    };
    const polling = new TaskManagerClient({ baseUrl: proxy.baseUrl });
    proxy.seen.length = 0;
    for (let i = 0; i < 2; i++) {
      const { task_id } = await polling.createTask({ task_type: 'echo', payload: { i } });
      expect((await polling.waitForTask(task_id, { timeoutMs: 10_000, pollIntervalMs: 50 })).status).toBe('SUCCESS');
    }
    expect(proxy.seen.filter((s) => s.startsWith('GET /api/v1/events'))).toHaveLength(1);
  });

  it('waits on GET /api/v1/events when the server has it, re-reading the task on each event', async () => {
    // Serves an event stream of its own (one event once the task is final): the client reads any server's stream.
    proxy.intercept = async (req, res) => {
      if (!req.url?.startsWith('/api/v1/events')) return false;
      const taskId = new URL(req.url, 'http://x').searchParams.get('task_id');
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
      res.write(': connected\n\n');
      const timer = setInterval(async () => {
        const answer = (await (await fetch(`${server.baseUrl}/api/v1/tasks/${taskId}`)).json()) as { data: Task };
        if (answer.data.status === 'SUCCESS') {
          res.write(`event: task_completed\ndata: ${JSON.stringify({ task_id: taskId })}\n\n`);
          clearInterval(timer);
        }
      }, 20);
      req.on('close', () => clearInterval(timer));
      return true;
    };
    const viaEvents = new TaskManagerClient({ baseUrl: proxy.baseUrl });
    const { task_id } = await viaEvents.createTask({ task_type: 'sleep', payload: { ms: 400 } });
    proxy.seen.length = 0;
    const task = await viaEvents.waitForTask(task_id, { timeoutMs: 10_000, pollIntervalMs: 10 });
    expect(task.status).toBe('SUCCESS');
    expect(proxy.seen.filter((s) => s.startsWith('GET /api/v1/events'))).toHaveLength(1);
    // One read after subscribing, one after the event: polling every 10 ms would make dozens.
    expect(proxy.seen.filter((s) => s === `GET /api/v1/tasks/${task_id}`).length).toBeLessThanOrEqual(3);
  });
});

describe('TaskManagerClient with API keys', () => {
  let secured: LiveServer;
  beforeAll(async () => {
    secured = await startLiveServer({ TM_HTTP_API_KEYS: 'ts-secret' });
  }, 40_000);
  afterAll(async () => {
    await secured?.stop();
  });

  it('sends the key as a bearer token, and reports a missing one as 40101', async () => {
    const anonymous = new TaskManagerClient({ baseUrl: secured.baseUrl });
    await expect(anonymous.createTask({ task_type: 'echo', payload: {} })).rejects.toMatchObject({
      code: 40101,
      status: 401,
    });
    const wrong = new TaskManagerClient({ baseUrl: secured.baseUrl, apiKey: 'nope' });
    await expect(wrong.getTask('x')).rejects.toMatchObject({ code: 40101, message: 'invalid API key' });
    const keyed = new TaskManagerClient({ baseUrl: secured.baseUrl, apiKey: 'ts-secret' });
    const { task_id } = await keyed.createTask({ task_type: 'echo', payload: { k: 1 } });
    expect((await keyed.waitForTask(task_id, { timeoutMs: 10_000 })).status).toBe('SUCCESS');
  });
});
