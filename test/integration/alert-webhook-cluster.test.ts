/**
 * Two nodes of one cluster (MySQL storage, Redis queue and events), both with the alert
 * plugin pointed at the same receiver: every alert arrives once. Event alerts come from the
 * node where the event happened; the other node hears the event over Redis and stays quiet.
 * Threshold alerts come from the leader only.
 */
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createTaskManager, NonRetryableError, TOKENS, type EventOf, type TaskManager } from '../../core/index.ts';
import { alertWebhook, type AlertWebhookPlugin } from '../../plugins/alert-webhook/index.ts';
import { localExecutor } from '../../plugins/executor-local/index.ts';
import { loadBalancers } from '../../plugins/load-balancers/index.ts';
import { redisQueue } from '../../plugins/queue-redis/index.ts';
import { mysqlStorage, runMigrations } from '../../plugins/storage-mysql/index.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/mysql-test-database.ts';
import { REDIS_URL, mysqlAvailability, redisAvailability, uniqueSuffix } from '../helpers/services.ts';
import { waitFor } from '../helpers/wait.ts';
import { startWebhookReceiver, type WebhookReceiver } from '../helpers/webhook-receiver.ts';

const redis = await redisAvailability();
const mysql = await mysqlAvailability();
const PREFIX = `${uniqueSuffix('alerts')}:`;

interface Node {
  app: TaskManager;
  alerts: AlertWebhookPlugin;
  /** task_failed events this node heard from the other one. */
  remoteFailures: EventOf<'task_failed'>[];
  remoteOffline: EventOf<'worker_offline'>[];
}

describe.skipIf(!redis.available || !mysql.available)('alerts in a two-node cluster', () => {
  let db: TestDatabase;
  let receiver: WebhookReceiver;
  let nodes: Node[] = [];

  beforeAll(async () => {
    db = await createTestDatabase('alerts');
    await runMigrations(db.url);
  });

  afterEach(async () => {
    await Promise.all(nodes.map((n) => n.app.stop()));
    nodes = [];
    await receiver?.close();
  });

  afterAll(async () => {
    await db?.drop();
    const client = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1 });
    try {
      await client.connect();
      for await (const keys of client.scanStream({ match: `${PREFIX}*`, count: 500 })) {
        if ((keys as string[]).length > 0) await client.del(...(keys as string[]));
      }
    } finally {
      client.disconnect();
    }
  });

  async function startNodes(scenario: string, alertOptions: Parameters<typeof alertWebhook>[0] = {}): Promise<Node[]> {
    receiver = await startWebhookReceiver();
    for (const name of ['a', 'b']) {
      const alerts = alertWebhook({
        webhookUrl: receiver.url,
        retryDelay: '20ms',
        backlogThreshold: 0,
        failureRateThreshold: 0,
        noLeaderFor: 0,
        checkInterval: '50ms',
        ...alertOptions,
      });
      const app = await createTaskManager(
        {
          app: { nodeId: `${scenario}-${name}`, logLevel: 'silent' },
          scheduler: { scanInterval: '20ms', healthCheckInterval: '100ms' },
          worker: { takeWait: '100ms', heartbeatInterval: '300ms', heartbeatTimeout: '1s' },
          mysql: { url: db.url, poolSize: 4 },
          redis: { url: REDIS_URL, prefix: `${PREFIX}${scenario}:` },
          taskTypes: [
            { taskType: 'boom', executorType: 'local', maxConcurrent: 0 },
            { taskType: 'nobody_runs_this', executorType: 'nowhere', maxConcurrent: 0 },
          ],
          plugins: [
            mysqlStorage(),
            redisQueue(),
            loadBalancers(),
            localExecutor({
              boom: () => {
                throw new NonRetryableError('card declined');
              },
            }),
            alerts,
          ],
        },
        { env: {}, logger: pino({ level: 'silent' }) },
      );
      const node: Node = { app, alerts, remoteFailures: [], remoteOffline: [] };
      // Registered after the plugin's listeners: when these run, the plugin has already decided.
      app.events.on('task_failed', (e) => void (e.remote && node.remoteFailures.push(e)));
      app.events.on('worker_offline', (e) => void (e.remote && node.remoteOffline.push(e)));
      nodes.push(node);
    }
    for (const node of nodes) await node.app.start();
    return nodes;
  }

  const sent = () => nodes.map((n) => n.alerts.stats().sent);

  it('sends "Task Failed" once, from the node whose worker ran the task', async () => {
    const [a, b] = await startNodes('failed');
    const ids = [];
    for (let i = 0; i < 4; i++)
      ids.push((await a!.app.services.tasks.create({ taskType: 'boom', payload: { i } })).task.taskId);
    await waitFor(() => receiver.accepted().length === 4, { timeoutMs: 10_000, message: 'four alerts' });
    // Each node has heard of the other's failures and sent nothing for them.
    await waitFor(() => a!.remoteFailures.length + b!.remoteFailures.length === 4, {
      timeoutMs: 5_000,
      message: 'remote events delivered',
    });
    const alerted = receiver.accepted().map((alert) => alert.task_id);
    expect(alerted.sort()).toEqual([...ids].sort());
    await waitFor(() => sent().reduce((x, y) => x + y, 0) === 4, { message: 'four alerts counted as sent' });
    // Nothing else was even handed to a sender: the remote events were ignored.
    expect(nodes.reduce((total, n) => total + n.alerts.stats().accepted, 0)).toBe(4);
    for (const alert of receiver.accepted()) {
      const ranOn = nodes.find((n) => n.app.worker!.id === alert.worker_id)!;
      // The node that ran it sent it: its own count covers the alert.
      expect(ranOn.alerts.stats().sent).toBeGreaterThan(0);
    }
    expect(receiver.requests).toHaveLength(4);
  });

  it('sends "Worker Offline" once, from the leader that found the worker dead', async () => {
    const [a, b] = await startNodes('offline');
    await a!.app.resolve(TOKENS.Coordination).workers.register(
      {
        workerId: 'ghost-worker',
        workerName: 'ghost',
        address: 'nowhere',
        status: 'ONLINE',
        capacity: 1,
        currentLoad: 0,
        supportedTypes: ['boom'],
        weight: 1,
        lastHeartbeat: new Date(Date.now() - 60_000),
      },
      60_000,
    );
    await waitFor(() => receiver.accepted().length === 1, { timeoutMs: 5_000, message: 'a Worker Offline alert' });
    const leader = nodes.find((n) => n.app.scheduler?.isLeader)!;
    const follower = nodes.find((n) => n !== leader)!;
    await waitFor(() => follower.remoteOffline.some((e) => e.workerId === 'ghost-worker'), {
      message: 'the follower heard of it',
    });
    expect(receiver.accepted()[0]).toMatchObject({ title: 'Worker Offline', worker_id: 'ghost-worker' });
    await waitFor(() => leader.alerts.stats().sent === 1, { message: 'the leader counted its delivery' });
    expect(follower.alerts.stats()).toMatchObject({ accepted: 0, sent: 0 });
    expect([a, b]).toContain(leader);
  });

  it('sends a threshold alert once: only the leader evaluates it', async () => {
    const [a] = await startNodes('backlog', { backlogThreshold: 3, backlogFor: '100ms' });
    // No worker serves this type: the tasks stay in the ready queue.
    for (let i = 0; i < 5; i++) await a!.app.services.tasks.create({ taskType: 'nobody_runs_this', payload: {} });
    await waitFor(() => receiver.accepted().length === 1, { timeoutMs: 5_000, message: 'a backlog alert' });
    // Several more evaluation rounds on both nodes, then still one.
    const rounds = Date.now();
    await waitFor(() => Date.now() - rounds > 500, { intervalMs: 50 });
    expect(receiver.accepted()).toHaveLength(1);
    expect(receiver.accepted()[0]).toMatchObject({ title: 'Queue Backlog', details: { waiting: 5 } });
    const leader = nodes.find((n) => n.app.scheduler?.isLeader)!;
    await waitFor(() => leader.alerts.stats().sent === 1, { message: 'the leader counted its delivery' });
    expect(nodes.find((n) => n !== leader)!.alerts.stats()).toMatchObject({ accepted: 0, sent: 0 });
  });
});
