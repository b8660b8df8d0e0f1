/**
 * The gRPC API's API keys (the HTTP API's, given to httpApi() as factory options here, so this
 * also proves both transports enforce one setting), its health while stopping, and graceful
 * shutdown of a WaitTask in flight.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { status } from '@grpc/grpc-js';
import type { ReadinessReport, TaskManager } from '../../core/index.ts';
import { silentLogger } from '../../test/helpers/fake-plugin-context.ts';
import { freePort } from '../../test/helpers/free-port.ts';
import { collect, taskServiceClient, tmCode, type TaskServiceClient } from '../../test/helpers/grpc-client.ts';
import { healthClient, listServices } from '../../test/helpers/grpc-standard-clients.ts';
import { memoryApp } from '../../test/helpers/memory-app.ts';
import { waitFor } from '../../test/helpers/wait.ts';
import { httpApi } from '../http-api/index.ts';
import { HealthReporter } from './health.ts';
import { grpcApi } from './index.ts';

describe('gRPC API keys', () => {
  let app: TaskManager;
  let client: TaskServiceClient;
  let address: string;

  beforeAll(async () => {
    const port = await freePort();
    address = `127.0.0.1:${port}`;
    app = await memoryApp({
      handlers: { echo: (payload) => payload },
      config: {
        app: { host: '127.0.0.1', port: 0 },
        grpc: { port },
        plugins: [httpApi({ apiKeys: ['key-one', 'key-two'] }), grpcApi()],
      },
    });
    await app.start();
    client = taskServiceClient(address);
  });

  afterAll(async () => {
    client?.close();
    await app?.stop();
  });

  it('refuses a call without a key with UNAUTHENTICATED / 40101', async () => {
    const { error } = await client.call('CreateTask', { task_type: 'echo' });
    expect(error?.code).toBe(status.UNAUTHENTICATED);
    expect(tmCode(error)).toBe(40101);
    expect(error?.details).toBe('missing API key: send Authorization: Bearer <key>');
  });

  it('refuses a wrong key, on unary and streaming calls alike', async () => {
    const unary = await client.call('ListTasks', { priority: -1 }, { apiKey: 'key-three' });
    expect(unary.error?.code).toBe(status.UNAUTHENTICATED);
    expect(unary.error?.details).toBe('invalid API key');
    const stream = await collect(client.stream('WaitTask', { task_id: 'x' }, { apiKey: 'key-on' }));
    expect(stream.error?.code).toBe(status.UNAUTHENTICATED);
    expect(tmCode(stream.error)).toBe(40101);
  });

  it('accepts every configured key', async () => {
    const created = await client.ok('CreateTask', { task_type: 'echo' }, { apiKey: 'key-one' });
    const fetched = await client.ok('GetTask', { task_id: created.task.task_id }, { apiKey: 'key-two' });
    expect(fetched.task.task_id).toBe(created.task.task_id);
    const done = await collect(client.stream('WaitTask', { task_id: created.task.task_id }, { apiKey: 'key-one' }));
    expect(done.error).toBeUndefined();
    expect(done.messages.at(-1).task.status).toBe('SUCCESS');
  });

  it('leaves health and reflection open, like /healthz', async () => {
    const health = healthClient(address);
    try {
      expect(await health.check('')).toEqual({ status: 'SERVING' });
    } finally {
      health.close();
    }
    expect(await listServices(address)).toContain('taskservice.TaskService');
  });
});

describe('gRPC API lifecycle', () => {
  it('ends a WaitTask in flight with UNAVAILABLE / 50301 when the app stops, and stops promptly', async () => {
    const port = await freePort();
    const app = await memoryApp({
      handlers: {
        hold: (_payload, ctx) =>
          new Promise((_, reject) => ctx.signal.addEventListener('abort', () => reject(ctx.signal.reason))),
      },
      config: {
        app: { host: '127.0.0.1', port: 0 },
        // The running task is handed back at once instead of after the default 30 s drain.
        worker: { gracefulShutdownTimeout: '100ms' },
        grpc: { port },
        plugins: [grpcApi()],
      },
    });
    await app.start();
    const client = taskServiceClient(`127.0.0.1:${port}`);
    try {
      const { task } = await client.ok('CreateTask', { task_type: 'hold' });
      const messages: { task: { status: string } }[] = [];
      const ended = collect(client.stream('WaitTask', { task_id: task.task_id }, { timeoutMs: 60_000 }), messages);
      await waitFor(() => messages.length > 0, { message: 'the first WaitTask message' });
      const started = Date.now();
      await app.stop();
      expect(Date.now() - started).toBeLessThan(4_000);
      const { error } = await ended;
      expect(error?.code).toBe(status.UNAVAILABLE);
      expect(tmCode(error)).toBe(50301);
    } finally {
      client.close();
    }
  });

  it('is off with port 0 and in a process without the api role', async () => {
    const off = grpcApi({ port: 0 });
    const app = await memoryApp({ handlers: { echo: (p) => p }, config: { plugins: [off] } });
    await app.start();
    expect(off.port).toBeUndefined();
    await app.stop();

    const workerOnly = grpcApi({ port: await freePort() });
    const worker = await memoryApp({
      handlers: { echo: (p) => p },
      config: { roles: ['worker'], plugins: [workerOnly] },
    });
    await worker.start();
    expect(workerOnly.port).toBeUndefined();
    await worker.stop();
  });

  it('takes its port from TM_GRPC_PORT', async () => {
    const port = await freePort();
    const plugin = grpcApi();
    const app = await memoryApp({
      handlers: { echo: (p) => p },
      config: { app: { host: '127.0.0.1' }, plugins: [plugin] },
      env: { TM_GRPC_PORT: String(port) },
    });
    await app.start();
    try {
      expect(plugin.port).toBe(port);
    } finally {
      await app.stop();
    }
  });
});

describe('gRPC health reporter', () => {
  it('follows readiness: SERVING when ready, NOT_SERVING when a dependency fails and after stop', async () => {
    let report: ReadinessReport = { ready: true, checks: { storage: 'ok' } };
    const reporter = new HealthReporter(async () => report, silentLogger(), 20);
    const statuses: string[] = [];
    const original = reporter.implementation.setStatus.bind(reporter.implementation);
    reporter.implementation.setStatus = (service, value) => {
      if (service === '') statuses.push(value);
      original(service, value);
    };
    await reporter.start();
    expect(statuses).toEqual(['SERVING']);
    report = { ready: false, checks: { storage: 'connection refused' } };
    await waitFor(() => statuses.at(-1) === 'NOT_SERVING', { message: 'NOT_SERVING after readiness fails' });
    report = { ready: true, checks: { storage: 'ok' } };
    await waitFor(() => statuses.at(-1) === 'SERVING', { message: 'SERVING again' });
    reporter.stop();
    expect(statuses).toEqual(['SERVING', 'NOT_SERVING', 'SERVING', 'NOT_SERVING']);
  });
});
