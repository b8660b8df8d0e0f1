import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import amqplib, { type Channel, type ChannelModel, type ConsumeMessage } from 'amqplib';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTaskManager, type JsonObject, type TaskManager, type TaskTypeInput } from '../../core/index.ts';
import { loadBalancers } from '../load-balancers/index.ts';
import { memoryQueue } from '../queue-memory/index.ts';
import { memoryStorage } from '../storage-memory/index.ts';
import { waitForStatus } from '../../test/helpers/memory-app.ts';
import { RABBITMQ_URL, rabbitmqAvailability, uniqueSuffix } from '../../test/helpers/services.ts';
import { waitFor } from '../../test/helpers/wait.ts';
import { rabbitmqExecutor } from './index.ts';

const rabbitmq = await rabbitmqAvailability();
const run = promisify(execFile);

/** Closes our executor's connection from the broker's side, as a broker restart or a network cut would. */
async function forceCloseConnection(connectionName: string): Promise<void> {
  const { stdout } = await run('rabbitmqctl', ['-q', 'list_connections', 'pid', 'client_properties']);
  const line = stdout.split('\n').find((l) => l.includes(connectionName));
  const pid = line?.split('\t')[0];
  if (!pid) throw new Error(`no connection named ${connectionName} on the broker`);
  await run('rabbitmqctl', ['-q', 'close_connection', pid, 'test: forced close']);
}

describe.skipIf(!rabbitmq.available)('executor-rabbitmq against the real RabbitMQ', () => {
  const suffix = uniqueSuffix('rmq');
  const connectionName = `tm-test-${suffix}`;
  const ownExchange = `tm.test.${suffix}`;
  let app: TaskManager;
  let consumer: ChannelModel;
  let channel: Channel;
  const received: ConsumeMessage[] = [];

  const type = (taskType: string, extra: Partial<TaskTypeInput> = {}): TaskTypeInput => ({
    taskType,
    executorType: 'rabbitmq',
    retryDelay: 0,
    maxConcurrent: 0,
    ...extra,
  });

  beforeAll(async () => {
    consumer = await amqplib.connect(RABBITMQ_URL);
    channel = await consumer.createChannel();
    const { queue } = await channel.assertQueue('', { exclusive: true });
    // The executor declares its own exchange on first use; declared here too so the queue can be bound first.
    await channel.assertExchange(ownExchange, 'topic', { durable: true });
    await channel.bindQueue(queue, 'amq.topic', `${suffix}.#`);
    await channel.bindQueue(queue, ownExchange, 'billing.*');
    await channel.consume(queue, (msg) => msg && received.push(msg), { noAck: true });

    app = await createTaskManager(
      {
        app: { logLevel: 'silent' },
        scheduler: { scanInterval: '20ms' },
        worker: { takeWait: '200ms' },
        taskTypes: [
          type('publish_event'),
          type('publish_billing', { executorConfig: { exchange: ownExchange, topic: 'billing.invoice' } }),
        ],
        plugins: [
          memoryStorage(),
          memoryQueue(),
          loadBalancers(),
          rabbitmqExecutor({ url: RABBITMQ_URL, connectionName }),
        ],
      },
      { env: {}, logger: pino({ level: 'silent' }) },
    );
    await app.start();
  });

  afterAll(async () => {
    await app?.stop();
    await channel?.deleteExchange(ownExchange).catch(() => undefined);
    await consumer?.close();
  });

  const runTask = async (taskType: string, payload: JsonObject) => {
    const { task } = await app.services.tasks.create({ taskType, payload });
    return waitForStatus(app, task.taskId, ['SUCCESS', 'FAILED', 'TIMEOUT', 'CANCELLED'], 15_000);
  };
  const arrived = (body: string) =>
    waitFor(() => received.find((m) => m.content.toString() === body), {
      message: `message ${body}`,
      timeoutMs: 10_000,
    });

  it('publish_event: the topic is the routing key on amq.topic; confirmed; result {topic, exchange}', async () => {
    const done = await runTask('publish_event', { topic: `${suffix}.orders.created`, message: { order_id: 'A-1' } });
    expect(done).toMatchObject({
      status: 'SUCCESS',
      result: { topic: `${suffix}.orders.created`, exchange: 'amq.topic' },
    });
    const msg = await arrived('{"order_id":"A-1"}');
    expect(msg.fields.routingKey).toBe(`${suffix}.orders.created`);
    expect(msg.properties).toMatchObject({
      contentType: 'application/json',
      messageId: done.taskId,
      deliveryMode: 2,
      appId: 'async-task-manager',
    });
    expect(msg.properties.headers).toMatchObject({ 'tm-task-id': done.taskId, 'tm-task-type': 'publish_event' });
  });

  it('a task type may name its exchange and fix the topic', async () => {
    const done = await runTask('publish_billing', { message: 'invoice 7 paid' });
    expect(done).toMatchObject({ status: 'SUCCESS', result: { topic: 'billing.invoice', exchange: ownExchange } });
    const msg = await arrived('invoice 7 paid');
    expect(msg.properties.contentType).toBe('text/plain; charset=utf-8');
    expect(await runTask('publish_billing', { topic: 'billing.refund', message: 1 })).toMatchObject({
      status: 'FAILED',
      retryCount: 0,
    });
  });

  it('bad input fails at once', async () => {
    expect(await runTask('publish_event', { message: 1 })).toMatchObject({
      status: 'FAILED',
      retryCount: 0,
      errorMsg: expect.stringContaining('payload.topic is required'),
    });
    expect(await runTask('publish_event', { topic: `${suffix}.#`, message: 1 })).toMatchObject({
      status: 'FAILED',
      retryCount: 0,
    });
    expect(await runTask('publish_event', { topic: `${suffix}.x` })).toMatchObject({
      status: 'FAILED',
      retryCount: 0,
      errorMsg: expect.stringContaining('payload.message is required'),
    });
  });

  it('reconnects when the broker drops the connection, and publishes again', async () => {
    expect((await runTask('publish_event', { topic: `${suffix}.before`, message: 'before the cut' })).status).toBe(
      'SUCCESS',
    );
    await forceCloseConnection(connectionName);
    const after = await runTask('publish_event', { topic: `${suffix}.after`, message: 'after the cut' });
    // A publish racing the cut fails retryably and the retry goes through the new connection.
    expect(after.status).toBe('SUCCESS');
    await arrived('after the cut');
  });
});
