import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connect, type Msg, type NatsConnection } from '@nats-io/transport-node';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTaskManager, type JsonObject, type TaskManager, type TaskTypeInput } from '../../core/index.ts';
import { loadBalancers } from '../load-balancers/index.ts';
import { memoryQueue } from '../queue-memory/index.ts';
import { memoryStorage } from '../storage-memory/index.ts';
import { waitForStatus } from '../../test/helpers/memory-app.ts';
import { NATS_URL, natsAvailability, uniqueSuffix } from '../../test/helpers/services.ts';
import { waitFor } from '../../test/helpers/wait.ts';
import { natsExecutor } from './index.ts';

const nats = await natsAvailability();

function publishType(taskType: string, extra: Partial<TaskTypeInput> = {}): TaskTypeInput {
  return { taskType, executorType: 'nats', retryDelay: 0, maxConcurrent: 0, ...extra };
}

async function natsApp(servers: string, taskTypes: TaskTypeInput[]): Promise<TaskManager> {
  const app = await createTaskManager(
    {
      app: { logLevel: 'silent' },
      scheduler: { scanInterval: '20ms' },
      worker: { takeWait: '200ms' },
      taskTypes,
      plugins: [memoryStorage(), memoryQueue(), loadBalancers(), natsExecutor({ servers })],
    },
    { env: {}, logger: pino({ level: 'silent' }) },
  );
  await app.start();
  return app;
}

/** Collects what arrives on a subject. */
function collect(nc: NatsConnection, subject: string): Msg[] {
  const received: Msg[] = [];
  nc.subscribe(subject, {
    callback: (error, msg) => {
      if (!error) received.push(msg);
    },
  });
  return received;
}

async function run(app: TaskManager, taskType: string, payload: JsonObject) {
  const { task } = await app.services.tasks.create({ taskType, payload });
  return waitForStatus(app, task.taskId, ['SUCCESS', 'FAILED', 'TIMEOUT', 'CANCELLED'], 15_000);
}

describe.skipIf(!nats.available)('executor-nats against the real NATS server', () => {
  const prefix = `tm.test.${uniqueSuffix('nats')}`;
  const stream = `TM_TEST_${uniqueSuffix('nats').toUpperCase()}`;
  let app: TaskManager;
  let subscriber: NatsConnection;

  beforeAll(async () => {
    subscriber = await connect({ servers: NATS_URL });
    await jetstreamManager(subscriber).then((jsm) =>
      jsm.streams.add({ name: stream, subjects: [`${prefix}.stored.>`] }),
    );
    app = await natsApp(NATS_URL, [
      publishType('publish_event'),
      publishType('publish_stored', { executorConfig: { jetstream: true } }),
      publishType('publish_audit', { executorConfig: { topic: `${prefix}.audit` } }),
      publishType('publish_unstored', { executorConfig: { jetstream: true }, defaultMaxRetry: 0 }),
    ]);
  });

  afterAll(async () => {
    await app?.stop();
    await jetstreamManager(subscriber)
      .then((jsm) => jsm.streams.delete(stream))
      .catch(() => undefined);
    await subscriber?.close();
  });

  it('publish_event: {topic, message} is published (flushed) and the result is {topic}', async () => {
    const received = collect(subscriber, `${prefix}.orders`);
    await subscriber.flush();
    const done = await run(app, 'publish_event', {
      topic: `${prefix}.orders`,
      message: { order_id: 'A-1', total: 12.5 },
    });
    expect(done).toMatchObject({ status: 'SUCCESS', result: { topic: `${prefix}.orders` } });
    await waitFor(() => received.length === 1, { message: 'the message on the subscriber' });
    const [msg] = received;
    expect(msg?.json()).toEqual({ order_id: 'A-1', total: 12.5 });
    expect(msg?.headers?.get('tm-task-id')).toBe(done.taskId);
    expect(msg?.headers?.get('content-type')).toBe('application/json');
  });

  it('a string message goes as its text', async () => {
    const received = collect(subscriber, `${prefix}.text`);
    await subscriber.flush();
    await run(app, 'publish_event', { topic: `${prefix}.text`, message: 'plain words' });
    await waitFor(() => received.length === 1, { message: 'the text message' });
    expect(received[0]?.string()).toBe('plain words');
  });

  it('JetStream: the stream acks and stores it; the task id is the message id', async () => {
    const done = await run(app, 'publish_stored', { topic: `${prefix}.stored.invoice`, message: { n: 1 } });
    expect(done.status).toBe('SUCCESS');
    expect(done.result).toMatchObject({
      topic: `${prefix}.stored.invoice`,
      stream,
      seq: expect.any(Number),
      duplicate: false,
    });
    const stored = await (await jetstreamManager(subscriber)).streams.getMessage(stream, {
      seq: (done.result as { seq: number }).seq,
    });
    expect(stored?.json()).toEqual({ n: 1 });
    expect(stored?.header.get('Nats-Msg-Id')).toBe(done.taskId);
    // The same message id again (a retried attempt) is stored once.
    const again = await jetstream(subscriber).publish(`${prefix}.stored.invoice`, '{}', { msgID: done.taskId });
    expect(again.duplicate).toBe(true);
  });

  it('JetStream with no stream for the subject fails (retryable: a stream may be added)', async () => {
    const failed = await run(app, 'publish_unstored', { topic: `${prefix}.nowhere`, message: 1 });
    expect(failed).toMatchObject({
      status: 'FAILED',
      errorMsg: expect.stringContaining(`no JetStream stream takes subject "${prefix}.nowhere"`),
    });
  });

  it('a task type can fix the topic; bad input fails at once', async () => {
    const received = collect(subscriber, `${prefix}.audit`);
    await subscriber.flush();
    expect(await run(app, 'publish_audit', { message: { who: 'ann' } })).toMatchObject({
      status: 'SUCCESS',
      result: { topic: `${prefix}.audit` },
    });
    await waitFor(() => received.length === 1, { message: 'the audit message' });
    expect(await run(app, 'publish_audit', { topic: `${prefix}.other`, message: 1 })).toMatchObject({
      status: 'FAILED',
      retryCount: 0,
    });
    expect(await run(app, 'publish_event', { topic: `${prefix}.*`, message: 1 })).toMatchObject({
      status: 'FAILED',
      retryCount: 0,
      errorMsg: expect.stringContaining('wildcards'),
    });
    expect(await run(app, 'publish_event', { message: 1 })).toMatchObject({
      status: 'FAILED',
      retryCount: 0,
      errorMsg: expect.stringContaining('payload.topic is required'),
    });
    expect(await run(app, 'publish_event', { topic: `${prefix}.x` })).toMatchObject({
      status: 'FAILED',
      retryCount: 0,
      errorMsg: expect.stringContaining('payload.message is required'),
    });
  });
});

/** A private nats-server on a free port, so the test may stop and restart it. */
async function freePort(): Promise<number> {
  const probe = net.createServer();
  await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
  const { port } = probe.address() as { port: number };
  await new Promise<void>((r) => probe.close(() => r()));
  return port;
}

function startNatsServer(port: number): ChildProcess {
  return spawn('/usr/sbin/nats-server', ['-a', '127.0.0.1', '-p', String(port)], { stdio: 'ignore' });
}

async function stopNatsServer(server: ChildProcess): Promise<void> {
  if (server.exitCode !== null) return;
  const exited = new Promise<void>((resolve) => server.once('exit', () => resolve()));
  server.kill('SIGKILL');
  await exited;
}

describe.skipIf(!nats.available)('executor-nats keeps its one connection across a server restart', () => {
  it('publishes before and after the server comes back', async () => {
    const port = await freePort();
    const url = `nats://127.0.0.1:${port}`;
    let server = startNatsServer(port);
    let app: TaskManager | undefined;
    try {
      const subscriber = await waitFor(
        () => connect({ servers: url, maxReconnectAttempts: -1, reconnectTimeWait: 100 }).catch(() => undefined),
        { message: 'the private nats-server' },
      );
      const received = collect(subscriber, 'restart.test');
      await subscriber.flush();
      app = await natsApp(url, [publishType('publish_event')]);
      expect((await run(app, 'publish_event', { topic: 'restart.test', message: 'before' })).status).toBe('SUCCESS');
      await waitFor(() => received.length === 1, { message: 'the first message' });

      await stopNatsServer(server);
      server = startNatsServer(port);
      expect((await run(app, 'publish_event', { topic: 'restart.test', message: 'after' })).status).toBe('SUCCESS');
      await waitFor(() => received.some((m) => m.string() === 'after'), {
        message: 'the message after the restart',
        timeoutMs: 10_000,
      });
      await subscriber.close();
    } finally {
      await app?.stop();
      await stopNatsServer(server);
    }
  });
});
