/**
 * GET /api/v1/events over a real socket of a whole in-process app (memory storage and queue,
 * the demo executors): a task's life as events, the filters, Last-Event-ID, API keys, bad
 * input, and a client that stops reading being cut off while others go on.
 */
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTaskManager, type TaskManager } from '../../core/index.ts';
import { demoExecutors } from '../../plugins/executor-demo/index.ts';
import { httpApi, type HttpApiPlugin } from '../../plugins/http-api/index.ts';
import { loadBalancers } from '../../plugins/load-balancers/index.ts';
import { memoryQueue } from '../../plugins/queue-memory/index.ts';
import { memoryStorage } from '../../plugins/storage-memory/index.ts';
import { silentLogger } from '../helpers/fake-plugin-context.ts';
import { connectSse } from '../helpers/sse-client.ts';
import { waitFor } from '../helpers/wait.ts';

async function startApp(
  apiKeys: string[] = [],
): Promise<{ manager: TaskManager; api: HttpApiPlugin; base: string; logLines: unknown[] }> {
  const logLines: unknown[] = [];
  const api = httpApi({ apiKeys });
  const manager = await createTaskManager(
    {
      app: { port: 0, host: '127.0.0.1', logLevel: 'silent' },
      scheduler: { scanInterval: '20ms' },
      taskTypes: [
        { taskType: 'echo', executorType: 'demo', maxConcurrent: 0 },
        { taskType: 'sleep', executorType: 'demo', maxConcurrent: 0 },
      ],
      plugins: [memoryStorage(), memoryQueue(), loadBalancers(), demoExecutors(), api],
    },
    { env: {}, logger: silentLogger(logLines) },
  );
  await manager.start();
  return { manager, api, base: `http://127.0.0.1:${api.port}`, logLines };
}

async function createTask(
  base: string,
  body: Record<string, unknown>,
  headers: Record<string, string> = {},
): Promise<string> {
  const res = await fetch(`${base}/api/v1/tasks`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  const answer = (await res.json()) as { data: { task_id: string } };
  if (res.status !== 201) throw new Error(`create answered ${res.status}: ${JSON.stringify(answer)}`);
  return answer.data.task_id;
}

describe('GET /api/v1/events', () => {
  let app: Awaited<ReturnType<typeof startApp>>;

  beforeAll(async () => {
    app = await startApp();
  });
  afterAll(async () => {
    await app?.manager.stop();
  });

  it("streams a task's life: created, assigned, completed, as text/event-stream", async () => {
    const stream = await connectSse(`${app.base}/api/v1/events`);
    try {
      expect(stream.status).toBe(200);
      expect(stream.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
      expect(stream.headers.get('cache-control')).toContain('no-cache');
      const taskId = await createTask(app.base, { task_type: 'echo', payload: { n: 1 } });
      const completed = await stream.waitFor((m) => m.event === 'task_completed' && m.data.task_id === taskId);
      expect(completed.data).toMatchObject({
        event: 'task_completed',
        task_id: taskId,
        task_type: 'echo',
        data: { task_id: taskId, worker_id: expect.any(String), duration_ms: expect.any(Number) },
      });
      expect(Date.parse(completed.data.timestamp)).not.toBeNaN();
      const mine = stream.messages.filter((m) => m.data.task_id === taskId).map((m) => m.event);
      expect(mine).toEqual(['task_created', 'task_assigned', 'task_completed']);
    } finally {
      stream.close();
    }
  });

  it('filters by task_id and by task_type', async () => {
    const echoes = await connectSse(`${app.base}/api/v1/events?task_type=echo`);
    const sleepy = await connectSse(`${app.base}/api/v1/events?task_type=sleep`);
    try {
      // An idempotency key is the task id: the stream can follow it before the task exists.
      const echoId = `filter-${Date.now()}`;
      const one = await connectSse(`${app.base}/api/v1/events?task_id=${echoId}`);
      const sleepId = await createTask(app.base, { task_type: 'sleep', payload: { ms: 1 } });
      await createTask(app.base, { task_type: 'echo', payload: {}, idempotency_key: echoId });
      await echoes.waitFor((m) => m.event === 'task_completed' && m.data.task_id === echoId);
      await sleepy.waitFor((m) => m.event === 'task_completed' && m.data.task_id === sleepId);
      await one.waitFor((m) => m.event === 'task_completed');
      one.close();
      expect(new Set(echoes.messages.map((m) => m.data.task_type))).toEqual(new Set(['echo']));
      expect(new Set(sleepy.messages.map((m) => m.data.task_type))).toEqual(new Set(['sleep']));
      expect(new Set(one.messages.map((m) => m.data.task_id))).toEqual(new Set([echoId]));
    } finally {
      echoes.close();
      sleepy.close();
    }
  });

  it('resumes after the Last-Event-ID header, and says resync for an id it does not know', async () => {
    const first = await connectSse(`${app.base}/api/v1/events`);
    const before = await createTask(app.base, { task_type: 'echo', payload: {} });
    const seen = await first.waitFor((m) => m.event === 'task_completed' && m.data.task_id === before);
    first.close();
    const missed = await createTask(app.base, { task_type: 'echo', payload: {} });
    await waitFor(
      async () =>
        ((await (await fetch(`${app.base}/api/v1/tasks/${missed}`)).json()) as { data: { status: string } }).data
          .status === 'SUCCESS',
    );
    const again = await connectSse(`${app.base}/api/v1/events`, { 'last-event-id': seen.id! });
    const stale = await connectSse(`${app.base}/api/v1/events`, { 'last-event-id': '0badc0de-5' });
    try {
      await again.waitFor((m) => m.event === 'task_completed' && m.data.task_id === missed);
      expect(again.messages.map((m) => `${m.event} ${m.data.task_id}`)).toEqual([
        `task_created ${missed}`,
        `task_assigned ${missed}`,
        `task_completed ${missed}`,
      ]);
      const resync = await stale.waitFor(() => true);
      expect(resync.event).toBe('resync');
    } finally {
      again.close();
      stale.close();
    }
  });

  it('answers 400 with the field for a bad filter', async () => {
    const res = await fetch(`${app.base}/api/v1/events?task_type=${encodeURIComponent('no spaces')}`);
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ code: 40001, details: [{ path: 'task_type' }] });
  });

  it('is in the OpenAPI document as text/event-stream', async () => {
    const doc = (await (await fetch(`${app.base}/openapi.json`)).json()) as {
      paths: Record<string, { get?: { responses: Record<string, { content?: object }> } }>;
    };
    expect(Object.keys(doc.paths['/api/v1/events']?.get?.responses['200']?.content ?? {})).toEqual([
      'text/event-stream',
    ]);
  });

  it('cuts off a client that stops reading, and keeps serving the others', async () => {
    await waitFor(() => app.api.eventStream!.clientCount === 0, { message: 'the other tests’ clients gone' });
    const healthy = await connectSse(`${app.base}/api/v1/events?task_type=big`);
    // A raw socket that sends the request, reads the headers, then reads nothing more for a while.
    const socket = net.connect(app.api.port!, '127.0.0.1');
    socket.write('GET /api/v1/events HTTP/1.1\r\nHost: x\r\nAccept: text/event-stream\r\n\r\n');
    await new Promise<void>((resolve) => socket.once('data', () => resolve()));
    socket.pause();
    await waitFor(() => app.api.eventStream!.clientCount === 2, { message: 'both clients connected' });

    // 64 MiB of events in bursts; the stuck client's kernel buffers and its 4 MiB queue fill up.
    const error = 'e'.repeat(4_000);
    for (let burst = 0; burst < 160 && app.api.eventStream!.clientCount === 2; burst++) {
      for (let i = 0; i < 100; i++) {
        app.manager.events.emit('task_failed', {
          taskId: `big-${burst}-${i}`,
          taskType: 'big',
          workerId: null,
          status: 'FAILED',
          error,
          final: true,
        });
      }
      await new Promise((resolve) => setImmediate(resolve));
    }
    await waitFor(() => app.api.eventStream!.clientCount === 1, { message: 'the stuck client cut off' });
    expect(JSON.stringify(app.logLines)).toContain('fell too far behind');

    let received = 0;
    socket.on('data', (chunk: Buffer) => (received += chunk.length));
    socket.resume();
    await new Promise<void>((resolve) => socket.once('close', () => resolve()));
    // What had reached the socket before the cut, far less than what was emitted.
    expect(received).toBeLessThan(48 * 1024 * 1024);

    const last = healthy.messages.length;
    app.manager.events.emit('task_failed', {
      taskId: 'after',
      taskType: 'big',
      workerId: null,
      status: 'FAILED',
      error: 'x',
      final: true,
    });
    await healthy.waitFor((m) => m.data.task_id === 'after', 10_000);
    expect(healthy.messages.length).toBeGreaterThan(last);
    healthy.close();
  });
});

describe('GET /api/v1/events with API keys', () => {
  let app: Awaited<ReturnType<typeof startApp>>;
  beforeAll(async () => {
    app = await startApp(['events-key']);
  });
  afterAll(async () => {
    await app?.manager.stop();
  });

  it('needs the key like every other route', async () => {
    const anonymous = await fetch(`${app.base}/api/v1/events`);
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('www-authenticate')).toBe('Bearer');
    expect(await anonymous.json()).toMatchObject({ code: 40101 });

    const stream = await connectSse(`${app.base}/api/v1/events`, { authorization: 'Bearer events-key' });
    try {
      expect(stream.status).toBe(200);
      const taskId = await createTask(
        app.base,
        { task_type: 'echo', payload: {} },
        { authorization: 'Bearer events-key' },
      );
      await stream.waitFor((m) => m.event === 'task_completed' && m.data.task_id === taskId);
    } finally {
      stream.close();
    }
  });
});
