/**
 * The gRPC API over a real network: a task manager on the memory plugins with a worker and
 * local handlers, driven by a client built from proto/task_service.proto with proto-loader.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { status } from '@grpc/grpc-js';
import { definePlugin, NonRetryableError, TOKENS, type TaskManager } from '../../core/index.ts';
import { freePort } from '../../test/helpers/free-port.ts';
import { healthClient, listServices, reflect } from '../../test/helpers/grpc-standard-clients.ts';
import { collect, taskServiceClient, tmCode, type TaskServiceClient } from '../../test/helpers/grpc-client.ts';
import { memoryApp } from '../../test/helpers/memory-app.ts';
import { RecordingTracer } from '../../test/helpers/recording-tracer.ts';
import { waitFor } from '../../test/helpers/wait.ts';
import { grpcApi } from './index.ts';

const MAX_PAYLOAD = 4096;
const BATCH_LIMIT = 3;

let app: TaskManager;
const tracer = new RecordingTracer();
const tracerPlugin = (recording: RecordingTracer) =>
  definePlugin({
    name: 'recording-tracer',
    provides: ['tracer'],
    setup: (ctx) => ctx.provide(TOKENS.Tracer, recording),
  });
let client: TaskServiceClient;
let port: number;

beforeAll(async () => {
  port = await freePort();
  app = await memoryApp({
    handlers: {
      echo: (payload) => payload,
      // Runs until cancelled.
      hold: (_payload, ctx) =>
        new Promise((_, reject) => ctx.signal.addEventListener('abort', () => reject(ctx.signal.reason))),
      fail: () => {
        throw new NonRetryableError('boom');
      },
      parked: () => null,
      // Reports progress, then runs until cancelled.
      progressing: (_payload, ctx) => {
        ctx.progress(40, 'reading');
        return new Promise((_, reject) => ctx.signal.addEventListener('abort', () => reject(ctx.signal.reason)));
      },
    },
    taskTypes: [{ taskType: 'fail', defaultMaxRetry: 0 }],
    config: {
      app: { host: '127.0.0.1', port: 0 },
      // No HTTP API in this app: the gRPC API reads the shared access settings from the section.
      http: { maxPayloadBytes: MAX_PAYLOAD, batchLimit: BATCH_LIMIT },
      grpc: { port },
      plugins: [grpcApi(), tracerPlugin(tracer)],
    },
  });
  await app.start();
  client = taskServiceClient(`127.0.0.1:${port}`);
});

afterAll(async () => {
  client?.close();
  await app?.stop();
});

const create = async (request: object) => (await client.ok('CreateTask', request)).task;

async function waitUntilStatus(taskId: string, wanted: string) {
  return waitFor(
    async () => {
      const { task } = await client.ok('GetTask', { task_id: taskId });
      return task.status === wanted ? task : undefined;
    },
    { timeoutMs: 5_000, message: `task ${taskId} to be ${wanted}` },
  );
}

describe('gRPC TaskService: the original RPCs', () => {
  it('CreateTask with the original fields, then GetTask, runs it to SUCCESS', async () => {
    const created = await client.ok('CreateTask', {
      task_type: 'echo',
      priority: 1,
      payload: { to: 'user@example.com', n: '1' },
    });
    expect(created.created).toBe(true);
    expect(created.task).toMatchObject({
      task_type: 'echo',
      status: 'PENDING',
      priority: 1,
      payload: { to: 'user@example.com', n: '1' },
      retry_count: 0,
      max_retry: 3,
      timeout: 300,
      error_message: '',
      worker_id: '',
    });
    expect(created.task.task_id).toMatch(/^[0-9a-f-]{36}$/);
    expect(Number(created.task.created_at.seconds)).toBeGreaterThan(1_700_000_000);

    const done = await waitUntilStatus(created.task.task_id, 'SUCCESS');
    expect(done.result).toEqual({ to: 'user@example.com', n: '1' });
    expect(done.worker_id).not.toBe('');
    expect(done.started_at).not.toBeNull();
    expect(done.completed_at).not.toBeNull();
  });

  it('GetTaskLogs answers the rows oldest first with the original fields', async () => {
    const task = await create({ task_type: 'echo', payload: { a: 'b' } });
    await waitUntilStatus(task.task_id, 'SUCCESS');
    const { logs } = await client.ok('GetTaskLogs', { task_id: task.task_id });
    expect(logs.map((l: { from_status: string; to_status: string }) => `${l.from_status}>${l.to_status}`)).toEqual([
      '>PENDING',
      'PENDING>PROCESSING',
      'PROCESSING>SUCCESS',
    ]);
    expect(logs[0]).toMatchObject({
      task_id: task.task_id,
      log_type: 'STATE_CHANGE',
      message: 'Task created',
      worker_id: '',
    });
    expect(logs[0].log_id).toMatch(/^\d+$/);
    expect(logs[1].worker_id).not.toBe('');
  });

  it('CancelTask cancels a running task and refuses a finished one with FAILED_PRECONDITION / 40901', async () => {
    const task = await create({ task_type: 'hold' });
    await waitUntilStatus(task.task_id, 'PROCESSING');
    const answer = await client.ok('CancelTask', { task_id: task.task_id });
    expect(answer).toMatchObject({
      success: true,
      message: 'Task cancelled successfully',
      task: { task_id: task.task_id, status: 'CANCELLED' },
    });

    const again = await client.call('CancelTask', { task_id: task.task_id });
    expect(again.error?.code).toBe(status.FAILED_PRECONDITION);
    expect(tmCode(again.error)).toBe(40901);
    expect(again.error?.details).toBe('task cannot be cancelled, current status: CANCELLED');
  });

  it('ListTasks filters by status and priority (−1 = any), pages by number and counts the total', async () => {
    // Parked an hour ahead, so their status stays PENDING whatever the worker does.
    const priorities = [0, 1, 0, 1, 0];
    const ids: string[] = [];
    for (const priority of priorities) ids.push((await create({ task_type: 'parked', priority, delay: 3600 })).task_id);
    const newestFirst = [...ids].reverse();
    const list = (request: object) => client.ok('ListTasks', { task_type: 'parked', ...request });

    const all = await list({ status: 'PENDING', priority: -1, page: 1, page_size: 10 });
    expect(all.total).toBe(5);
    expect(all.tasks.map((t: { task_id: string }) => t.task_id)).toEqual(newestFirst);
    expect(all.next_cursor).toBe('');

    const high = await list({ priority: 1, page_size: 10 });
    expect(high.total).toBe(2);
    expect(high.tasks.every((t: { priority: number }) => t.priority === 1)).toBe(true);
    // The proto default 0 is a filter on NORMAL, as in the original API.
    expect((await list({ page_size: 10 })).total).toBe(3);

    const page2 = await list({ priority: -1, page: 2, page_size: 2 });
    expect(page2.total).toBe(5);
    expect(page2.tasks.map((t: { task_id: string }) => t.task_id)).toEqual(newestFirst.slice(2, 4));
    const page3 = await list({ priority: -1, page: 3, page_size: 2 });
    expect(page3.tasks.map((t: { task_id: string }) => t.task_id)).toEqual(newestFirst.slice(4));
    expect((await list({ priority: -1, page: 9, page_size: 2 })).tasks).toEqual([]);

    // The cursor extension walks the same order without counting pages.
    const first = await list({ priority: -1, page_size: 3 });
    expect(first.next_cursor).not.toBe('');
    const rest = await list({ priority: -1, page_size: 3, cursor: first.next_cursor });
    expect([...first.tasks, ...rest.tasks].map((t: { task_id: string }) => t.task_id)).toEqual(newestFirst);

    expect((await list({ status: 'SUCCESS,CANCELLED', priority: -1 })).total).toBe(0);
  });
});

describe('gRPC TaskService: extensions', () => {
  it('takes a JSON payload as google.protobuf.Struct and answers the exact JSON result', async () => {
    const json_payload = {
      fields: {
        count: { numberValue: 3 },
        nested: { structValue: { fields: { ok: { boolValue: true }, none: { nullValue: 'NULL_VALUE' } } } },
        list: { listValue: { values: [{ stringValue: 'a' }, { numberValue: 2.5 }] } },
      },
    };
    const task = await create({ task_type: 'echo', json_payload });
    expect(task.payload).toEqual({ count: '3', nested: '{"ok":true,"none":null}', list: '["a",2.5]' });
    const done = await waitUntilStatus(task.task_id, 'SUCCESS');
    expect(done.json_payload.fields.count).toMatchObject({ numberValue: 3 });
    expect(done.json_result.structValue.fields.nested.structValue.fields.ok).toMatchObject({ boolValue: true });
    expect(done.result).toEqual({ count: '3', nested: '{"ok":true,"none":null}', list: '["a",2.5]' });
  });

  it('applies timeout, max_retry, delay, run_at and the idempotency key', async () => {
    const delayed = await create({ task_type: 'parked', timeout: 30, max_retry: 7, delay: 60 });
    expect(delayed).toMatchObject({ timeout: 30, max_retry: 7 });
    expect(Number(delayed.scheduled_at.seconds) - Number(delayed.created_at.seconds)).toBeGreaterThanOrEqual(59);

    const runAt = Date.parse('2099-01-02T03:04:05.000Z') / 1000;
    const scheduled = await create({ task_type: 'parked', run_at: { seconds: runAt, nanos: 0 } });
    expect(Number(scheduled.scheduled_at.seconds)).toBe(runAt);

    const key = `grpc-idem-${Date.now()}`;
    const first = await client.ok('CreateTask', { task_type: 'parked', delay: 3600, idempotency_key: key });
    const second = await client.ok('CreateTask', { task_type: 'parked', delay: 3600, idempotency_key: key });
    expect(first).toMatchObject({ created: true, task: { task_id: key } });
    expect(second).toMatchObject({ created: false, task: { task_id: key } });
  });

  it('takes a traceparent metadata entry as the parent of task.create, for one task and for a batch', async () => {
    const traceParent = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
    const one = (await client.ok('CreateTask', { task_type: 'echo' }, { metadata: { traceparent: traceParent } })).task;
    const batch = await client.ok(
      'CreateTasks',
      { tasks: [{ task_type: 'echo' }, { task_type: 'echo' }] },
      { metadata: { traceparent: traceParent } },
    );
    const ids = [one.task_id, ...batch.results.map((r: { task: { task_id: string } }) => r.task.task_id)];
    const creates = tracer.named('task.create').filter((s) => ids.includes(s.attributes['task.id'] as string));
    expect(creates).toHaveLength(3);
    for (const span of creates) {
      expect(span).toMatchObject({ traceId: '4bf92f3577b34da6a3ce929d0e0e4736', parentSpanId: '00f067aa0ba902b7' });
    }
  });

  it('CreateTasks creates a batch in order, and nothing when one item is invalid', async () => {
    const batch = await client.ok('CreateTasks', {
      tasks: [
        { task_type: 'parked', delay: 3600, idempotency_key: `batch-a-${Date.now()}` },
        { task_type: 'parked', delay: 3600, priority: 1 },
      ],
    });
    expect(batch.results).toHaveLength(2);
    expect(batch.results.map((r: { created: boolean }) => r.created)).toEqual([true, true]);
    expect(batch.results[1].task.priority).toBe(1);

    const before = (await client.ok('ListTasks', { task_type: 'parked', priority: -1 })).total;
    const bad = await client.call('CreateTasks', {
      tasks: [
        { task_type: 'parked', delay: 3600 },
        { task_type: 'parked', priority: 9 },
      ],
    });
    expect(bad.error?.code).toBe(status.INVALID_ARGUMENT);
    expect(tmCode(bad.error)).toBe(40001);
    expect(JSON.parse(bad.error!.metadata.get('tm-details-bin')[0]!.toString())).toMatchObject({
      field: 'tasks[1].priority',
      index: 1,
    });
    expect((await client.ok('ListTasks', { task_type: 'parked', priority: -1 })).total).toBe(before);

    for (const tasks of [[], Array.from({ length: BATCH_LIMIT + 1 }, () => ({ task_type: 'parked', delay: 3600 }))]) {
      const answer = await client.call('CreateTasks', { tasks });
      expect(answer.error?.code).toBe(status.INVALID_ARGUMENT);
      expect(answer.error?.details).toBe(`invalid parameter tasks: must hold 1 to ${BATCH_LIMIT} tasks`);
    }
  });

  it('CreateTask and CreateTasks take depends_on / depends_on_index; GetTask shows depends_on', async () => {
    const first = await create({ task_type: 'parked', delay: 3600 });
    const created = await client.ok('CreateTask', { task_type: 'parked', depends_on: [first.task_id] });
    const read = await client.ok('GetTask', { task_id: created.task.task_id });
    expect(read.task).toMatchObject({ status: 'PENDING', depends_on: [first.task_id] });
    const batch = await client.ok('CreateTasks', {
      tasks: [
        { task_type: 'parked', delay: 3600 },
        { task_type: 'parked', depends_on_index: [0] },
      ],
    });
    const second = await client.ok('GetTask', { task_id: batch.results[1].task.task_id });
    expect(second.task.depends_on).toEqual([batch.results[0].task.task_id]);
    const unknown = await client.call('CreateTask', { task_type: 'parked', depends_on: ['no-such-task'] });
    expect(unknown.error?.code).toBe(status.INVALID_ARGUMENT);
    expect(tmCode(unknown.error)).toBe(40001);
  });

  it('WaitTask streams each status change and ends after the final one', async () => {
    const task = await create({ task_type: 'hold' });
    const messages: { task: { status: string } }[] = [];
    const ended = collect(client.stream('WaitTask', { task_id: task.task_id }), messages);
    await waitFor(() => messages.some((m) => m.task.status === 'PROCESSING'), { message: 'PROCESSING on the stream' });
    await client.ok('CancelTask', { task_id: task.task_id });
    const { error } = await ended;
    expect(error).toBeUndefined();
    const seen = messages.map((m) => m.task.status);
    expect(seen.at(-1)).toBe('CANCELLED');
    expect(seen.slice(0, 1)).toEqual([expect.stringMatching(/PENDING|PROCESSING/)]);
    expect(new Set(seen).size).toBe(seen.length);
  });

  it('WaitTask on a finished task sends it once and ends; on an unknown one fails with NOT_FOUND', async () => {
    const task = await create({ task_type: 'echo' });
    await waitUntilStatus(task.task_id, 'SUCCESS');
    const finished = await collect(client.stream('WaitTask', { task_id: task.task_id }));
    expect(finished.error).toBeUndefined();
    expect(finished.messages.map((m) => m.task.status)).toEqual(['SUCCESS']);

    const unknown = await collect(client.stream('WaitTask', { task_id: 'no-such-task' }));
    expect(unknown.error?.code).toBe(status.NOT_FOUND);
    expect(tmCode(unknown.error)).toBe(40401);
  });

  it("shows a running task's progress", async () => {
    const task = await create({ task_type: 'progressing' });
    const running = await waitFor(
      async () => {
        const { task: current } = await client.ok('GetTask', { task_id: task.task_id });
        return current.progress ? current : undefined;
      },
      { message: 'progress on the task' },
    );
    expect(running.progress).toMatchObject({ percent: 40, message: 'reading' });
    expect(Number(running.progress.updated_at.seconds)).toBeGreaterThan(1_700_000_000);
    await client.ok('CancelTask', { task_id: task.task_id });
  });

  it('RetryTask puts a FAILED task back to PENDING, and refuses a PENDING one', async () => {
    const task = await create({ task_type: 'fail' });
    const failed = await waitUntilStatus(task.task_id, 'FAILED');
    expect(failed.error_message).toBe('boom');
    const retried = await client.ok('RetryTask', { task_id: task.task_id });
    expect(retried.task.retry_count).toBe(0);
    await waitUntilStatus(task.task_id, 'FAILED');

    const parked = await create({ task_type: 'parked', delay: 3600 });
    const refused = await client.call('RetryTask', { task_id: parked.task_id });
    expect(refused.error?.code).toBe(status.FAILED_PRECONDITION);
    expect(tmCode(refused.error)).toBe(40901);
  });
});

describe('gRPC TaskService: errors', () => {
  const cases: { name: string; method: string; request: object; code: status; tm: number; message: RegExp }[] = [
    {
      name: 'an out-of-range priority',
      method: 'CreateTask',
      request: { task_type: 'echo', priority: 2 },
      code: status.INVALID_ARGUMENT,
      tm: 40001,
      message: /priority must be 0 \(NORMAL\) or 1 \(HIGH\)/,
    },
    {
      name: 'an unknown task type',
      method: 'CreateTask',
      request: { task_type: 'nope' },
      code: status.INVALID_ARGUMENT,
      tm: 40002,
      message: /unknown task type "nope"/,
    },
    {
      name: 'a malformed task type',
      method: 'CreateTask',
      request: { task_type: 'bad type!' },
      code: status.INVALID_ARGUMENT,
      tm: 40001,
      message: /task_type: must be 1–64 characters/,
    },
    {
      name: 'a missing task type',
      method: 'CreateTask',
      request: {},
      code: status.INVALID_ARGUMENT,
      tm: 40001,
      message: /task_type is required/,
    },
    {
      name: 'both payload forms',
      method: 'CreateTask',
      request: { task_type: 'echo', payload: { a: '1' }, json_payload: { fields: {} } },
      code: status.INVALID_ARGUMENT,
      tm: 40001,
      message: /payload or json_payload, not both/,
    },
    {
      name: 'a timeout of 0',
      method: 'CreateTask',
      request: { task_type: 'echo', timeout: 0 },
      code: status.INVALID_ARGUMENT,
      tm: 40001,
      message: /timeout must be an integer/,
    },
    {
      name: 'a delay over a year',
      method: 'CreateTask',
      request: { task_type: 'echo', delay: 400 * 86_400 },
      code: status.INVALID_ARGUMENT,
      tm: 40001,
      message: /delay must be a number of seconds from 0 to one year/,
    },
    {
      name: 'delay and run_at together',
      method: 'CreateTask',
      request: { task_type: 'echo', delay: 1, run_at: { seconds: 4_000_000_000 } },
      code: status.INVALID_ARGUMENT,
      tm: 40001,
      message: /either delay or run_at/,
    },
    {
      name: 'a bad idempotency key',
      method: 'CreateTask',
      request: { task_type: 'echo', idempotency_key: 'has space' },
      code: status.INVALID_ARGUMENT,
      tm: 40001,
      message: /idempotency_key/,
    },
    {
      name: 'a missing task id',
      method: 'GetTask',
      request: {},
      code: status.INVALID_ARGUMENT,
      tm: 40001,
      message: /task_id: is required/,
    },
    {
      name: 'an unknown task id',
      method: 'GetTask',
      request: { task_id: 'missing' },
      code: status.NOT_FOUND,
      tm: 40401,
      message: /task "missing" not found/,
    },
    {
      name: 'logs of an unknown task',
      method: 'GetTaskLogs',
      request: { task_id: 'missing' },
      code: status.NOT_FOUND,
      tm: 40401,
      message: /not found/,
    },
    {
      name: 'cancel of an unknown task',
      method: 'CancelTask',
      request: { task_id: 'missing' },
      code: status.NOT_FOUND,
      tm: 40401,
      message: /not found/,
    },
    {
      name: 'an unknown status filter',
      method: 'ListTasks',
      request: { status: 'DONE' },
      code: status.INVALID_ARGUMENT,
      tm: 40001,
      message: /status: must be a comma-separated list/,
    },
    {
      name: 'a priority filter of 5',
      method: 'ListTasks',
      request: { priority: 5 },
      code: status.INVALID_ARGUMENT,
      tm: 40001,
      message: /-1 \(any\), 0 \(NORMAL\) or 1 \(HIGH\)/,
    },
    {
      name: 'a page size over 1000',
      method: 'ListTasks',
      request: { priority: -1, page_size: 5000 },
      code: status.INVALID_ARGUMENT,
      tm: 40001,
      message: /page_size: must be an integer from 1 to 1000/,
    },
    {
      name: 'a negative page',
      method: 'ListTasks',
      request: { priority: -1, page: -2 },
      code: status.INVALID_ARGUMENT,
      tm: 40001,
      message: /page: must be an integer/,
    },
    {
      name: 'a page beyond the offset limit',
      method: 'ListTasks',
      request: { priority: -1, page: 1000, page_size: 1000 },
      code: status.INVALID_ARGUMENT,
      tm: 40001,
      message: /page further with the cursor/,
    },
    {
      name: 'a cursor it did not issue',
      method: 'ListTasks',
      request: { priority: -1, cursor: 'garbage' },
      code: status.INVALID_ARGUMENT,
      tm: 40001,
      message: /invalid cursor/,
    },
  ];

  for (const c of cases) {
    it(`answers ${c.name} with ${status[c.code]} / ${c.tm}`, async () => {
      const { error } = await client.call(c.method, c.request);
      expect(error?.code).toBe(c.code);
      expect(tmCode(error)).toBe(c.tm);
      expect(error?.details).toMatch(c.message);
    });
  }

  it('answers a request over http.maxPayloadBytes with RESOURCE_EXHAUSTED / 41301, and writes nothing', async () => {
    const before = (await client.ok('ListTasks', { task_type: 'echo', priority: -1 })).total;
    const { error } = await client.call('CreateTask', {
      task_type: 'echo',
      payload: { blob: 'x'.repeat(MAX_PAYLOAD) },
    });
    expect(error?.code).toBe(status.RESOURCE_EXHAUSTED);
    expect(tmCode(error)).toBe(41301);
    expect(error?.details).toBe(`request body exceeds ${MAX_PAYLOAD} bytes`);
    expect((await client.ok('ListTasks', { task_type: 'echo', priority: -1 })).total).toBe(before);

    // Far beyond the limit, the transport refuses to read it at all (no product code then).
    const huge = await client.call('CreateTask', {
      task_type: 'echo',
      payload: { blob: 'x'.repeat(MAX_PAYLOAD * 100) },
    });
    expect(huge.error?.code).toBe(status.RESOURCE_EXHAUSTED);
  });
});

describe('gRPC health and reflection', () => {
  it('answers grpc.health.v1 Check SERVING for the server and for TaskService', async () => {
    const health = healthClient(`127.0.0.1:${port}`);
    try {
      expect(await health.check('')).toEqual({ status: 'SERVING' });
      expect(await health.check('taskservice.TaskService')).toEqual({ status: 'SERVING' });
      await expect(health.check('no.such.Service')).rejects.toMatchObject({ code: status.NOT_FOUND });
    } finally {
      health.close();
    }
  });

  it('lists TaskService and Health through server reflection', async () => {
    const services = await listServices(`127.0.0.1:${port}`);
    expect(services).toEqual(expect.arrayContaining(['taskservice.TaskService', 'grpc.health.v1.Health']));
  });

  it('describes TaskService and every file it depends on, as grpcurl asks', async () => {
    const address = `127.0.0.1:${port}`;
    const service = await reflect(address, { file_containing_symbol: 'taskservice.TaskService' });
    expect(service.error_response).toBeUndefined();
    const files = (service.file_descriptor_response?.file_descriptor_proto ?? []).map((bytes) =>
      fileDescriptor(Buffer.from(bytes)),
    );
    const own = files.find((file) => file.text.includes('WaitTask'));
    expect(own).toBeDefined();
    // proto-loader names files by package; what matters is that every dependency resolves.
    expect(own!.dependencies.length).toBeGreaterThan(0);
    for (const dependency of own!.dependencies) {
      const answer = await reflect(address, { file_by_filename: dependency });
      expect(answer.error_response, dependency).toBeUndefined();
      const texts = (answer.file_descriptor_response?.file_descriptor_proto ?? []).map((bytes) =>
        Buffer.from(bytes).toString('latin1'),
      );
      expect(texts.some((text) => text.includes('Timestamp')) || texts.some((text) => text.includes('Struct'))).toBe(
        true,
      );
    }
  });
});

/** The name (field 1) and dependencies (field 3) of a serialized FileDescriptorProto. */
function fileDescriptor(bytes: Buffer): { name: string; dependencies: string[]; text: string } {
  const strings = new Map<number, string[]>();
  let offset = 0;
  const varint = () => {
    let value = 0;
    for (let shift = 0; ; shift += 7) {
      const byte = bytes[offset++]!;
      value += (byte & 0x7f) * 2 ** shift;
      if (byte < 0x80) return value;
    }
  };
  while (offset < bytes.length) {
    const key = varint();
    const [field, wire] = [Math.floor(key / 8), key % 8];
    if (wire === 0) varint();
    else if (wire === 2) {
      const length = varint();
      strings.set(field, [...(strings.get(field) ?? []), bytes.subarray(offset, offset + length).toString('utf8')]);
      offset += length;
    } else throw new Error(`unexpected wire type ${wire}`);
  }
  return { name: strings.get(1)?.[0] ?? '', dependencies: strings.get(3) ?? [], text: bytes.toString('latin1') };
}
