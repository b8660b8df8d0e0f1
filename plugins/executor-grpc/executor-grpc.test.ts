import { readFile } from 'node:fs/promises';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTaskManager, type JsonObject, type TaskManager, type TaskTypeInput } from '../../core/index.ts';
import { loadBalancers } from '../load-balancers/index.ts';
import { memoryQueue } from '../queue-memory/index.ts';
import { memoryStorage } from '../storage-memory/index.ts';
import { waitForStatus } from '../../test/helpers/memory-app.ts';
import { waitFor } from '../../test/helpers/wait.ts';
import { ChannelPool } from './channel-pool.ts';
import { grpcExecutor } from './index.ts';

const PROTO_FILE = 'test/fixtures/grpc/calculator.proto';

/** A real gRPC server on a free port, recording what it saw. */
async function startCalculator() {
  const definition = protoLoader.loadSync(PROTO_FILE, { keepCase: true, defaults: true });
  const service = (grpc.loadPackageDefinition(definition).calc as grpc.GrpcObject)
    .Calculator as grpc.ServiceClientConstructor;
  const peers: string[] = [];
  const cancelled: number[] = [];
  const server = new grpc.Server();
  server.addService(service.service, {
    Add(call: grpc.ServerUnaryCall<{ a: number; b: number }, unknown>, callback: grpc.sendUnaryData<unknown>) {
      peers.push(call.getPeer());
      callback(null, {
        sum: call.request.a + call.request.b,
        task_id: String(call.metadata.get('tm-task-id')[0] ?? ''),
        tags: ['x'],
      });
    },
    Fail(
      call: grpc.ServerUnaryCall<{ code: string; message: string }, unknown>,
      callback: grpc.sendUnaryData<unknown>,
    ) {
      callback({
        code: grpc.status[call.request.code as keyof typeof grpc.status] as number,
        details: call.request.message,
      });
    },
    Slow(call: grpc.ServerUnaryCall<{ ms: number }, unknown>, callback: grpc.sendUnaryData<unknown>) {
      const timer = setTimeout(() => callback(null, {}), call.request.ms);
      call.on('cancelled', () => {
        clearTimeout(timer);
        cancelled.push(call.request.ms);
      });
    },
    Count(call: grpc.ServerWritableStream<unknown, unknown>) {
      call.end();
    },
  });
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (error, bound) =>
      error ? reject(error) : resolve(bound),
    ),
  );
  return {
    address: `127.0.0.1:${port}`,
    peers,
    cancelled,
    stop: () => new Promise<void>((r) => server.tryShutdown(() => r())),
  };
}

/** A port with nothing listening: bound, then released. */
async function closedPort(): Promise<number> {
  const net = await import('node:net');
  const probe = net.createServer();
  await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
  const { port } = probe.address() as { port: number };
  await new Promise<void>((r) => probe.close(() => r()));
  return port;
}

describe('executor-grpc against a real gRPC server', () => {
  let server: Awaited<ReturnType<typeof startCalculator>>;
  let app: TaskManager;

  beforeAll(async () => {
    server = await startCalculator();
    const inlineProto = await readFile(PROTO_FILE, 'utf8');
    const call = (
      method: string,
      extra: Partial<TaskTypeInput> = {},
      proto = inlineProto,
      address = server.address,
    ): TaskTypeInput => ({
      taskType: `calc_${method.toLowerCase()}`,
      executorType: 'grpc',
      executorConfig: { address, service: 'calc.Calculator', method, proto },
      retryDelay: 0,
      maxConcurrent: 0,
      ...extra,
    });
    app = await createTaskManager(
      {
        app: { logLevel: 'silent' },
        scheduler: { scanInterval: '20ms' },
        worker: { takeWait: '200ms' },
        taskTypes: [
          call('Add'),
          { ...call('Add', {}, PROTO_FILE), taskType: 'calc_add_from_file' },
          call('Fail', { defaultMaxRetry: 2 }),
          call('Slow', { defaultTimeout: 1, defaultMaxRetry: 0 }),
          call('Count'),
          { ...call('Divide'), taskType: 'calc_unknown_method' },
          {
            ...call('Add', { defaultMaxRetry: 1 }, inlineProto, `127.0.0.1:${await closedPort()}`),
            taskType: 'calc_nowhere',
          },
        ],
        plugins: [memoryStorage(), memoryQueue(), loadBalancers(), grpcExecutor()],
      },
      { env: {}, logger: pino({ level: 'silent' }) },
    );
    await app.start();
  });

  afterAll(async () => {
    await app?.stop();
    await server?.stop();
  });

  const run = async (taskType: string, payload: JsonObject = {}, overrides: { timeout?: number } = {}) => {
    const { task } = await app.services.tasks.create({ taskType, payload, ...overrides });
    return waitForStatus(app, task.taskId, ['SUCCESS', 'FAILED', 'TIMEOUT', 'CANCELLED'], 10_000);
  };

  it('calls the method with the payload as the request; the response is the result (inline proto)', async () => {
    const done = await run('calc_add', { a: 40, b: 2 });
    expect(done.status).toBe('SUCCESS');
    expect(done.result).toEqual({ sum: '42', task_id: done.taskId, tags: ['x'] });
  });

  it('loads the proto from a file path too, and shares one connection per address', async () => {
    const before = server.peers.length;
    const results = await Promise.all([
      run('calc_add_from_file', { a: 1, b: 1 }),
      run('calc_add', { a: 2, b: 2 }),
      run('calc_add_from_file', { a: 3 }),
    ]);
    expect(results.map((t) => (t.result as { sum: string }).sum)).toEqual(['2', '4', '3']);
    expect(new Set(server.peers.slice(before)).size).toBe(1);
    expect(new Set(server.peers).size).toBe(1);
  });

  it('maps statuses: INVALID_ARGUMENT and NOT_FOUND fail at once; UNAVAILABLE and RESOURCE_EXHAUSTED are retried', async () => {
    expect(await run('calc_fail', { code: 'INVALID_ARGUMENT', message: 'a is negative' })).toMatchObject({
      status: 'FAILED',
      retryCount: 0,
      errorMsg: expect.stringContaining('gRPC INVALID_ARGUMENT: a is negative'),
    });
    expect(await run('calc_fail', { code: 'NOT_FOUND', message: 'no such account' })).toMatchObject({
      status: 'FAILED',
      retryCount: 0,
    });
    expect(await run('calc_fail', { code: 'UNAVAILABLE', message: 'try later' })).toMatchObject({
      status: 'FAILED',
      retryCount: 2,
      errorMsg: expect.stringContaining('gRPC UNAVAILABLE: try later'),
    });
    expect(await run('calc_fail', { code: 'RESOURCE_EXHAUSTED', message: 'quota' })).toMatchObject({
      status: 'FAILED',
      retryCount: 2,
    });
  });

  it('a server that is not there is UNAVAILABLE: retried', async () => {
    const failed = await run('calc_nowhere', { a: 1, b: 2 });
    expect(failed).toMatchObject({ status: 'FAILED', retryCount: 1 });
    expect(failed.errorMsg).toMatch(/UNAVAILABLE/);
  });

  it('the task timeout is the deadline, and the call is cancelled on the wire', async () => {
    const timedOut = await run('calc_slow', { ms: 30_000 });
    expect(timedOut.status).toBe('TIMEOUT');
    await waitFor(() => server.cancelled.includes(30_000), { message: 'the server to see the call cancelled' });
  });

  it('a cancel cancels the call', async () => {
    const { task } = await app.services.tasks.create({ taskType: 'calc_slow', payload: { ms: 20_000 }, timeout: 30 });
    await waitForStatus(app, task.taskId, ['PROCESSING']);
    await app.services.tasks.cancel(task.taskId);
    await waitFor(() => server.cancelled.includes(20_000), { message: 'the server to see the cancel' });
    expect((await app.services.tasks.get(task.taskId)).status).toBe('CANCELLED');
  });

  it('a streaming method or an unknown method fails at once', async () => {
    expect(await run('calc_count', { ms: 1 })).toMatchObject({
      status: 'FAILED',
      retryCount: 0,
      errorMsg: expect.stringContaining('streaming'),
    });
    expect(await run('calc_unknown_method')).toMatchObject({
      status: 'FAILED',
      retryCount: 0,
      errorMsg: expect.stringContaining('no method "Divide"'),
    });
  });
});

describe('ChannelPool', () => {
  it('one client per address and transport; close() shuts every channel down', () => {
    const pool = new ChannelPool();
    const a = pool.client('127.0.0.1:1', false);
    expect(pool.client('127.0.0.1:1', false)).toBe(a);
    expect(pool.client('127.0.0.1:1', true)).not.toBe(a);
    expect(pool.size).toBe(2);
    pool.close();
    expect(a.getChannel().getConnectivityState(false)).toBe(grpc.connectivityState.SHUTDOWN);
    expect(pool.size).toBe(0);
  });
});
