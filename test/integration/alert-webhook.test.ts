/**
 * The alert-webhook plugin against a real HTTP receiver started by the test: what it sends,
 * retries with backoff, the bounded buffer, de-duplication, and the threshold alerts.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { NonRetryableError, TOKENS, type TaskManager } from '../../core/index.ts';
import { alertWebhook, type AlertWebhookOptions, type AlertWebhookPlugin } from '../../plugins/alert-webhook/index.ts';
import type { LocalHandler } from '../../plugins/executor-local/index.ts';
import { prometheusMetrics } from '../../plugins/metrics-prometheus/index.ts';
import { memoryApp, waitForStatus, type MemoryAppOptions } from '../helpers/memory-app.ts';
import { waitFor } from '../helpers/wait.ts';
import { startWebhookReceiver, type WebhookReceiver } from '../helpers/webhook-receiver.ts';

const handlers: Record<string, LocalHandler> = {
  echo: (payload) => payload,
  boom: () => {
    throw new NonRetryableError('card declined');
  },
  flaky: () => {
    throw new Error('upstream 503');
  },
};

/** Thresholds off unless a test turns one on. */
const QUIET: AlertWebhookOptions = {
  retryDelay: '20ms',
  backlogThreshold: 0,
  failureRateThreshold: 0,
  noLeaderFor: 0,
  checkInterval: '50ms',
};

let receiver: WebhookReceiver;
let app: TaskManager | undefined;
let plugin: AlertWebhookPlugin;

beforeEach(async () => {
  receiver = await startWebhookReceiver();
});

afterEach(async () => {
  await app?.stop();
  app = undefined;
  await receiver.close();
});

async function start(options: AlertWebhookOptions, appOptions: Partial<MemoryAppOptions> = {}): Promise<TaskManager> {
  plugin = alertWebhook({ webhookUrl: receiver.url, ...QUIET, ...options });
  app = await memoryApp({
    handlers,
    taskTypes: [{ taskType: 'flaky', defaultMaxRetry: 1, retryDelay: 0 }],
    ...appOptions,
    config: {
      ...appOptions.config,
      metrics: { defaultMetrics: false },
      plugins: [prometheusMetrics(), plugin, ...(appOptions.config?.plugins ?? [])],
    },
  });
  await app.start();
  return app;
}

async function create(
  manager: TaskManager,
  input: { taskType: string; payload: Record<string, never> | Record<string, number> },
): Promise<string> {
  return (await manager.services.tasks.create(input)).task.taskId;
}

async function scrape(manager: TaskManager): Promise<string> {
  const route = manager.resolve(TOKENS.HttpRoutes).find((r) => r.path === '/metrics')!;
  return (await route.handle(new Request('http://local/metrics'))).text();
}

describe('alert-webhook', () => {
  it('POSTs "Task Failed" for a task that fails for good, with the task, the worker and the error', async () => {
    const app = await start({ headers: { authorization: 'Bearer hook-secret' } });
    const taskId = await create(app, { taskType: 'boom', payload: {} });
    await waitForStatus(app, taskId, ['FAILED']);
    const [alert] = await waitFor(() => (receiver.accepted().length > 0 ? receiver.accepted() : undefined), {
      message: 'an alert',
    });
    expect(alert).toMatchObject({
      level: 'ERROR',
      title: 'Task Failed',
      message: `Task ${taskId} failed`,
      task_id: taskId,
      task_type: 'boom',
      worker_id: app.worker!.id,
      error: 'card declined',
      text: `[ERROR] Task Failed: Task ${taskId} failed (card declined)`,
    });
    expect(new Date(alert!.at as string).toISOString()).toBe(alert!.at);
    expect(receiver.requests[0]!.headers.authorization).toBe('Bearer hook-secret');
    expect(receiver.requests[0]!.headers['content-type']).toBe('application/json');
    // Counted once the receiver's answer is read, just after the receiver logged the request.
    await waitFor(async () => (await scrape(app)).includes('alert_notifications_total{result="sent"} 1'), {
      message: 'the sent alert counted',
    });
  });

  it('stays quiet while a retry is still to come, and alerts once the last retry failed', async () => {
    const app = await start({});
    const taskId = await create(app, { taskType: 'flaky', payload: {} });
    const failed = await waitForStatus(app, taskId, ['FAILED'], 10_000);
    expect(failed.retryCount).toBe(1); // two attempts: the first was retried
    await waitFor(() => receiver.accepted().length === 1, { message: 'the alert of the final failure' });
    expect(receiver.requests).toHaveLength(1);
    expect(receiver.accepted()[0]).toMatchObject({ title: 'Task Failed', task_id: taskId, error: 'upstream 503' });
  });

  it('retries with backoff when the receiver fails, and delivers once it recovers', async () => {
    receiver.answerNext(500, 503, 502);
    const app = await start({ retryDelay: '30ms', maxAttempts: 5 });
    const taskId = await create(app, { taskType: 'boom', payload: {} });
    await waitFor(() => receiver.accepted().length === 1, {
      timeoutMs: 5_000,
      message: 'delivery after three failures',
    });
    expect(receiver.requests.map((r) => r.status)).toEqual([500, 503, 502, 200]);
    expect(receiver.requests.every((r) => r.body.task_id === taskId)).toBe(true);
    await waitFor(() => plugin.stats().sent === 1, { message: 'the delivery counted' });
    expect(plugin.stats()).toMatchObject({ sent: 1, failed: 0, dropped: 0 });
  });

  it('gives up at once on a 4xx other than 408/429, and after maxAttempts on failures', async () => {
    receiver.answerNext(400, 500, 500);
    const app = await start({ maxAttempts: 2 });
    await app.services.tasks.create({ taskType: 'boom', payload: {} });
    await app.services.tasks.create({ taskType: 'boom', payload: {} });
    await waitFor(() => plugin.stats().failed === 2, { message: 'two failed alerts' });
    expect(receiver.requests.map((r) => r.status)).toEqual([400, 500, 500]);
    expect(await scrape(app)).toContain('alert_notifications_total{result="failed"} 2');
  });

  it('never holds up tasks: with the receiver hanging, alerts queue in a bounded buffer that drops the oldest', async () => {
    receiver.hold();
    const app = await start({ bufferSize: 2, timeout: '30s' });
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push(await create(app, { taskType: 'boom', payload: { i } }));
    // All five fail for good while the first alert is still waiting for an answer.
    for (const id of ids) await waitForStatus(app, id, ['FAILED']);
    await waitFor(() => plugin.stats().dropped === 2, { message: 'two dropped alerts' });
    expect(plugin.stats()).toMatchObject({ sent: 0, queued: 2 });
    expect(await scrape(app)).toContain('alert_notifications_total{result="dropped"} 2');
    receiver.release();
    await waitFor(() => receiver.accepted().length === 3, { message: 'three delivered alerts' });
    const delivered = receiver.accepted().map((a) => a.task_id);
    // The one in flight, then the two newest: the oldest queued ones were dropped.
    expect(delivered[0]).toBe(ids[0]);
    expect(new Set(delivered.slice(1))).toEqual(new Set(ids.slice(3)));
    const dropped = ids.slice(1, 3);
    expect(delivered.some((id) => dropped.includes(id as string))).toBe(false);
  });

  it('sends one alert per key within the cool-down', async () => {
    const app = await start({});
    const event = {
      taskId: 'same-task',
      taskType: 'boom',
      workerId: null,
      status: 'FAILED' as const,
      error: 'x',
      final: true,
    };
    app.events.emit('task_failed', event);
    app.events.emit('task_failed', event);
    app.events.emit('task_failed', { ...event, taskId: 'other-task' });
    await waitFor(() => receiver.accepted().length === 2);
    expect(receiver.accepted().map((a) => a.task_id)).toEqual(['same-task', 'other-task']);
    expect(plugin.stats().suppressed).toBe(1);
    expect(await scrape(app)).toContain('alert_notifications_total{result="suppressed"} 1');
  });

  it('alerts on a worker found dead by the leader', async () => {
    const app = await start(
      {},
      {
        config: {
          worker: { heartbeatTimeout: '1s', heartbeatInterval: '200ms', takeWait: '100ms' },
          scheduler: { healthCheckInterval: '100ms', scanInterval: '20ms' },
        },
      },
    );
    const coordination = app.resolve(TOKENS.Coordination);
    await coordination.workers.register(
      {
        workerId: 'ghost-worker',
        workerName: 'ghost',
        address: 'nowhere',
        status: 'ONLINE',
        capacity: 1,
        currentLoad: 0,
        supportedTypes: ['echo'],
        weight: 1,
        lastHeartbeat: new Date(Date.now() - 60_000),
      },
      60_000,
    );
    const [alert] = await waitFor(() => (receiver.accepted().length > 0 ? receiver.accepted() : undefined), {
      timeoutMs: 5_000,
      message: 'a Worker Offline alert',
    });
    expect(alert).toMatchObject({ level: 'WARNING', title: 'Worker Offline', worker_id: 'ghost-worker' });
    expect(alert!.text).toMatch(/^\[WARNING\] Worker Offline: Worker ghost-worker went offline/);
  });

  it('raises Queue Backlog on the leader when ready tasks stay above the threshold', async () => {
    // No worker: nothing is dispatched, the queue only grows.
    const app = await start({ backlogThreshold: 3, backlogFor: '100ms' }, { config: { roles: ['api', 'scheduler'] } });
    for (let i = 0; i < 5; i++) await app.services.tasks.create({ taskType: 'echo', payload: {} });
    const [alert] = await waitFor(() => (receiver.accepted().length > 0 ? receiver.accepted() : undefined), {
      timeoutMs: 5_000,
      message: 'a backlog alert',
    });
    expect(alert).toMatchObject({ level: 'WARNING', title: 'Queue Backlog', details: { waiting: 5, threshold: 3 } });
  });

  it('raises High Failure Rate over the window, then says when it is resolved', async () => {
    const app = await start({
      taskFailed: false,
      failureRateThreshold: 50,
      failureRateMinTasks: 4,
      failureRateWindow: '1s',
    });
    for (let i = 0; i < 4; i++) await app.services.tasks.create({ taskType: 'boom', payload: {} });
    const [alert] = await waitFor(() => (receiver.accepted().length > 0 ? receiver.accepted() : undefined), {
      timeoutMs: 5_000,
      message: 'a failure-rate alert',
    });
    expect(alert).toMatchObject({
      level: 'ERROR',
      title: 'High Failure Rate',
      details: { failed: 4, finished: 4, failure_rate_percent: 100 },
    });
    // The window moves on with no failures: resolved.
    await waitFor(() => receiver.accepted().length === 2, { timeoutMs: 5_000, message: 'the resolved notice' });
    expect(receiver.accepted()[1]).toMatchObject({ level: 'INFO', title: 'Failure Rate Resolved' });
  });

  it('raises No Leader when no scheduler holds the lock, from the process with the smallest healthy worker', async () => {
    // A process without the scheduler role: nobody ever takes the lock.
    const app = await start({ noLeaderFor: '150ms' }, { config: { roles: ['api', 'worker'] } });
    const [alert] = await waitFor(() => (receiver.accepted().length > 0 ? receiver.accepted() : undefined), {
      timeoutMs: 5_000,
      message: 'a no-leader alert',
    });
    expect(alert).toMatchObject({ level: 'ERROR', title: 'No Leader' });
    expect(app.scheduler).toBeUndefined();
  });

  it('is off while no webhook URL is set', async () => {
    plugin = alertWebhook({});
    app = await memoryApp({ handlers, config: { plugins: [plugin] } });
    await app.start();
    const taskId = await create(app, { taskType: 'boom', payload: {} });
    await waitForStatus(app, taskId, ['FAILED']);
    expect(plugin.enabled()).toBe(false);
    expect(plugin.stats()).toMatchObject({ sent: 0, queued: 0 });
  });
});
