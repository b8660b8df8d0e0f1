import { fileURLToPath } from 'node:url';
import amqplib, { type ChannelModel, type ConsumeMessage } from 'amqplib';
import { connect, type Msg, type NatsConnection } from '@nats-io/transport-node';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTaskManager, loadConfig, type JsonObject, type TaskManager } from '../../core/index.ts';
import type { HttpApiPlugin } from '../../plugins/http-api/index.ts';
import { createTestSchema, type TestSchema } from '../../test/helpers/postgres-test-schema.ts';
import {
  NATS_URL,
  RABBITMQ_URL,
  natsAvailability,
  postgresAvailability,
  rabbitmqAvailability,
  uniqueSuffix,
} from '../../test/helpers/services.ts';
import { waitFor } from '../../test/helpers/wait.ts';
import { startGreeter } from './greeter-server.ts';

const services = [await postgresAvailability(), await natsAvailability(), await rabbitmqAvailability()];
const configPath = fileURLToPath(new URL('./taskmanager.config.ts', import.meta.url));

/** The example config as shipped, against the real servers, driven over the HTTP API. */
describe.skipIf(services.some((s) => !s.available))('examples/executors', () => {
  const topic = `example.${uniqueSuffix('executors')}`;
  let app: TaskManager;
  let greeter: Awaited<ReturnType<typeof startGreeter>>;
  let schema: TestSchema;
  let nats: NatsConnection;
  let rabbit: ChannelModel;
  const natsMessages: Msg[] = [];
  const rabbitMessages: ConsumeMessage[] = [];
  let baseUrl: string;

  beforeAll(async () => {
    greeter = await startGreeter('127.0.0.1:0');
    process.env.GREETER_ADDRESS = greeter.address;
    schema = await createTestSchema('example_executors');
    await schema.admin.query('CREATE TABLE signups (id SERIAL PRIMARY KEY, email TEXT NOT NULL UNIQUE)');

    nats = await connect({ servers: NATS_URL });
    nats.subscribe(`${topic}.>`, {
      callback: (error, msg) => {
        if (!error) natsMessages.push(msg);
      },
    });
    await nats.flush();
    rabbit = await amqplib.connect(RABBITMQ_URL);
    const channel = await rabbit.createChannel();
    const { queue } = await channel.assertQueue('', { exclusive: true });
    await channel.bindQueue(queue, 'amq.topic', `${topic}.#`);
    await channel.consume(queue, (msg) => msg && rabbitMessages.push(msg), { noAck: true });

    const { config } = await loadConfig({ path: configPath });
    app = await createTaskManager(config, {
      env: { TM_PORT: '0', TM_SQL_URL: schema.url, TM_NATS_SERVERS: NATS_URL, TM_RABBITMQ_URL: RABBITMQ_URL },
      logger: pino({ level: 'silent' }),
    });
    await app.start();
    const api = app.plugins.find((p) => p.name === 'http-api') as HttpApiPlugin;
    baseUrl = `http://127.0.0.1:${api.port}`;
  });

  afterAll(async () => {
    await app?.stop();
    delete process.env.GREETER_ADDRESS;
    await greeter?.stop();
    await schema?.drop();
    await nats?.close();
    await rabbit?.close();
  });

  /** POST /api/v1/tasks, then poll GET /api/v1/tasks/:id until it is final. */
  async function runOverHttp(taskType: string, payload: JsonObject): Promise<Record<string, unknown>> {
    const created = await fetch(`${baseUrl}/api/v1/tasks`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ task_type: taskType, payload }),
    });
    expect(created.status).toBe(201);
    const { task_id: id } = ((await created.json()) as { data: { task_id: string } }).data;
    return waitFor(
      async () => {
        const task = (
          (await (await fetch(`${baseUrl}/api/v1/tasks/${id}`)).json()) as { data: Record<string, unknown> }
        ).data;
        return ['SUCCESS', 'FAILED', 'TIMEOUT', 'CANCELLED'].includes(task.status as string) ? task : undefined;
      },
      { timeoutMs: 20_000, message: `${taskType} to finish` },
    );
  }

  it('greet: a gRPC call', async () => {
    expect(await runOverHttp('greet', { name: 'Ada' })).toMatchObject({
      status: 'SUCCESS',
      result: { message: 'Hello, Ada!' },
    });
  });

  it('execute_sql and batch_insert on PostgreSQL', async () => {
    expect(
      await runOverHttp('execute_sql', { statement: 'record_signup', params: { email: 'ada@example.com' } }),
    ).toMatchObject({ status: 'SUCCESS', result: { rows_affected: 1 } });
    expect(
      await runOverHttp('batch_insert', { rows: [{ email: 'bob@example.com' }, { email: 'cy@example.com' }] }),
    ).toMatchObject({ status: 'SUCCESS', result: { rows_affected: 2 } });
    expect(await runOverHttp('execute_sql', { statement: 'count_signups' })).toMatchObject({
      status: 'SUCCESS',
      result: { rows: [{ signups: '3' }] },
    });
  });

  it('publish_event on NATS and publish_event_rabbitmq on RabbitMQ', async () => {
    expect(await runOverHttp('publish_event', { topic: `${topic}.nats`, message: { hello: 'nats' } })).toMatchObject({
      status: 'SUCCESS',
      result: { topic: `${topic}.nats` },
    });
    await waitFor(() => natsMessages.some((m) => m.subject === `${topic}.nats`), { message: 'the NATS message' });
    expect(
      await runOverHttp('publish_event_rabbitmq', { topic: `${topic}.amqp`, message: { hello: 'rabbit' } }),
    ).toMatchObject({ status: 'SUCCESS', result: { topic: `${topic}.amqp` } });
    await waitFor(() => rabbitMessages.some((m) => m.fields.routingKey === `${topic}.amqp`), {
      message: 'the RabbitMQ message',
    });
  });

  it('fibonacci: a CPU-bound handler in a worker thread, with progress', async () => {
    const done = await runOverHttp('fibonacci', { n: 25 });
    expect(done).toMatchObject({
      status: 'SUCCESS',
      result: { n: 25, value: 75025 },
      progress: { percent: 100, message: 'fib(25)' },
    });
  });
});
