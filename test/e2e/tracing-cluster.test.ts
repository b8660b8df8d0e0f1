/**
 * OpenTelemetry tracing across processes, as examples/distributed deploys it on MySQL + Redis:
 * an api-only process and a scheduler+worker process, both with the standard OTEL_* variables
 * pointing at a real OTLP/HTTP receiver started by the test. The receiver must get the three
 * spans of each task in one trace, each the parent of the next, from the two processes.
 */
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../helpers/mysql-test-database.ts';
import { startOtlpReceiver, type OtlpReceiver, type ReceivedSpan } from '../helpers/otlp-receiver.ts';
import { REDIS_URL, mysqlAvailability, redisAvailability, uniqueSuffix } from '../helpers/services.ts';
import { waitFor } from '../helpers/wait.ts';
import { FAST_TIMINGS } from './support/cluster.ts';
import { DISTRIBUTED_CONFIG, NodeProcess, baseEnv, freePort, runCli } from './support/node-process.ts';

const redis = await redisAvailability();
const mysql = await mysqlAvailability();
const skipReason = [redis.reason, mysql.reason].filter(Boolean).join('; ');
if (skipReason) console.warn(`tracing cluster e2e skipped: ${skipReason}`);

const PREFIX = `${uniqueSuffix('e2e_tracing')}:`;
const INCOMING_TRACE = '0af7651916cd43dd8448eb211c80319c';
const INCOMING_SPAN = 'b7ad6b7169203331';

interface TaskSpans {
  create: ReceivedSpan;
  dispatch: ReceivedSpan;
  execute: ReceivedSpan;
}

describe.skipIf(Boolean(skipReason))('tracing across processes', () => {
  let db: TestDatabase;
  let receiver: OtlpReceiver;
  let api: NodeProcess | undefined;
  let runner: NodeProcess | undefined;

  const logs = () => `\n--- api\n${api?.logs()}\n--- runner\n${runner?.logs()}`;

  /** The three spans of one task once all have arrived. */
  const spansOf = (taskId: string): Promise<TaskSpans> =>
    waitFor(
      () => {
        const mine = receiver.spans.filter((s) => s.attributes['task.id'] === taskId);
        const create = mine.find((s) => s.name === 'task.create');
        const dispatch = mine.find((s) => s.name === 'task.dispatch');
        const execute = mine.find((s) => s.name === 'task.execute');
        return create && dispatch && execute ? { create, dispatch, execute } : undefined;
      },
      { timeoutMs: 10_000, intervalMs: 50, message: `the spans of ${taskId}` },
    ).catch((error: Error) => {
      throw new Error(`${error.message}; received ${JSON.stringify(receiver.spans.map((s) => s.name))}${logs()}`);
    });

  const createTask = async (body: object, headers: Record<string, string> = {}): Promise<string> => {
    const response = await fetch(`${api!.url}/api/v1/tasks`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
    });
    expect(response.status).toBe(201);
    return ((await response.json()) as { data: { task_id: string } }).data.task_id;
  };

  beforeAll(async () => {
    receiver = await startOtlpReceiver();
    db = await createTestDatabase('e2e_tracing');
    const env = {
      ...baseEnv(),
      ...FAST_TIMINGS,
      TM_MYSQL_URL: db.url,
      TM_REDIS_URL: REDIS_URL,
      TM_REDIS_PREFIX: PREFIX,
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint,
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
      // Batches every 100 ms rather than every 5 s, so the test waits for spans briefly.
      OTEL_BSP_SCHEDULE_DELAY: '100',
      OTEL_SERVICE_NAME: 'tracing-e2e',
    };
    await runCli(['migrate', '--config', DISTRIBUTED_CONFIG], env);
    api = new NodeProcess('trace-api', await freePort(), { ...env, TM_ROLES: 'api' });
    runner = new NodeProcess('trace-runner', await freePort(), { ...env, TM_ROLES: 'scheduler,worker' });
    await api.ready();
    // The runner serves no HTTP: it is ready once the api process sees its worker and its leadership.
    await waitFor(
      async () => {
        const [workers, scheduler] = await Promise.all([
          fetch(`${api!.url}/api/v1/workers`).then(
            (r) => r.json() as Promise<{ data: { worker_id: string; healthy: boolean }[] }>,
          ),
          fetch(`${api!.url}/api/v1/scheduler`).then(
            (r) => r.json() as Promise<{ data: { leader_id: string | null } }>,
          ),
        ]);
        return (
          workers.data.some((w) => w.worker_id.includes('trace-runner') && w.healthy) &&
          scheduler.data.leader_id?.includes('trace-runner')
        );
      },
      { timeoutMs: 20_000, intervalMs: 100, message: 'the runner process online and leading' },
    ).catch((error: Error) => {
      throw new Error(`${error.message}${logs()}`);
    });
  }, 60_000);

  afterAll(async () => {
    await Promise.all([api?.kill('SIGTERM'), runner?.kill('SIGTERM')]);
    await receiver?.close();
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
  }, 30_000);

  it('the receiver gets task.create, task.dispatch and task.execute of one task: one trace, parent to child, from both processes', async () => {
    const taskId = await createTask({ task_type: 'echo', payload: { hello: 'trace' } });
    const { create, dispatch, execute } = await spansOf(taskId);

    expect(create.traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(create.parentSpanId).toBe('');
    expect(dispatch.traceId).toBe(create.traceId);
    expect(dispatch.parentSpanId).toBe(create.spanId);
    expect(execute.traceId).toBe(create.traceId);
    expect(execute.parentSpanId).toBe(dispatch.spanId);
    expect(new Set([create.spanId, dispatch.spanId, execute.spanId]).size).toBe(3);

    // Producer, internal, consumer (OTLP span kinds 4, 1, 5).
    expect([create.kind, dispatch.kind, execute.kind]).toEqual([4, 1, 5]);
    expect(create.attributes).toMatchObject({ 'task.id': taskId, 'task.type': 'echo', 'task.retry_count': 0 });
    expect(dispatch.attributes).toMatchObject({ 'task.id': taskId, 'task.type': 'echo', 'task.retry_count': 0 });
    expect(String(dispatch.attributes['worker.id'])).toContain('trace-runner');
    expect(execute.attributes).toMatchObject({
      'task.id': taskId,
      'task.type': 'echo',
      'task.retry_count': 0,
      'worker.id': dispatch.attributes['worker.id'],
      'task.outcome': 'SUCCESS',
    });
    expect(execute.status.code).not.toBe(2);

    // From two processes: the API's and the runner's, each named in its resource.
    expect(create.resource).toMatchObject({ 'service.name': 'tracing-e2e', 'taskmanager.roles': 'api' });
    expect(dispatch.resource).toMatchObject({ 'service.name': 'tracing-e2e', 'taskmanager.roles': 'scheduler,worker' });
    expect(create.resource['service.instance.id']).not.toBe(execute.resource['service.instance.id']);
    expect(receiver.contentTypes.every((type) => type.startsWith('application/json'))).toBe(true);
  });

  it('an incoming traceparent header becomes the parent of task.create, and the task joins that trace', async () => {
    const taskId = await createTask(
      { task_type: 'echo', payload: {} },
      { traceparent: `00-${INCOMING_TRACE}-${INCOMING_SPAN}-01` },
    );
    const { create, dispatch, execute } = await spansOf(taskId);
    expect(create).toMatchObject({ traceId: INCOMING_TRACE, parentSpanId: INCOMING_SPAN });
    expect(dispatch).toMatchObject({ traceId: INCOMING_TRACE, parentSpanId: create.spanId });
    expect(execute).toMatchObject({ traceId: INCOMING_TRACE, parentSpanId: dispatch.spanId });
  });

  it('the same header on a batch is the parent of every task.create of it', async () => {
    const response = await fetch(`${api!.url}/api/v1/tasks/batch`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', traceparent: `00-${INCOMING_TRACE}-${INCOMING_SPAN}-01` },
      body: JSON.stringify({
        tasks: [
          { task_type: 'echo', payload: { i: 1 } },
          { task_type: 'echo', payload: { i: 2 } },
        ],
      }),
    });
    expect(response.status).toBe(201);
    const ids = ((await response.json()) as { data: { task_ids: string[] } }).data.task_ids;
    for (const taskId of ids) {
      const { create, execute } = await spansOf(taskId);
      expect(create).toMatchObject({ traceId: INCOMING_TRACE, parentSpanId: INCOMING_SPAN });
      expect(execute.traceId).toBe(INCOMING_TRACE);
    }
  });

  it("records the executor's error on task.execute with status ERROR", async () => {
    const taskId = await createTask({
      task_type: 'fail',
      payload: { message: 'card declined', retryable: false },
    });
    const { execute } = await spansOf(taskId);
    expect(execute.status).toEqual({ code: 2, message: 'card declined' });
    expect(execute.attributes['task.outcome']).toBe('FAILED');
    const exception = execute.events.find((e) => e.name === 'exception');
    expect(exception?.attributes['exception.message']).toBe('card declined');
  });
});
