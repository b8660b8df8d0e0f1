/**
 * The gRPC API in a distributed deployment on the real MariaDB and Redis: an api-only app
 * serves gRPC while another app (scheduler + worker) runs the tasks. WaitTask learns of the
 * worker's changes through the event bus, which carries the other app's events over Redis.
 */
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { status } from '@grpc/grpc-js';
import { createTaskManager, type Role, type TaskManager } from '../../core/index.ts';
import { freePort } from '../../test/helpers/free-port.ts';
import { collect, taskServiceClient, tmCode, type TaskServiceClient } from '../../test/helpers/grpc-client.ts';
import { gate } from '../../test/helpers/memory-app.ts';
import { createTestDatabase, type TestDatabase } from '../../test/helpers/mysql-test-database.ts';
import { mysqlAvailability, redisAvailability, REDIS_URL, uniqueSuffix } from '../../test/helpers/services.ts';
import { waitFor } from '../../test/helpers/wait.ts';
import { localExecutor } from '../executor-local/index.ts';
import { loadBalancers } from '../load-balancers/index.ts';
import { redisQueue } from '../queue-redis/index.ts';
import { mysqlStorage, runMigrations } from '../storage-mysql/index.ts';
import { grpcApi } from './index.ts';

const mysql = await mysqlAvailability();
const redis = await redisAvailability();

describe.skipIf(!mysql.available || !redis.available)('gRPC API across processes (MariaDB + Redis)', () => {
  let database: TestDatabase;
  let api: TaskManager;
  let worker: TaskManager;
  let client: TaskServiceClient;
  const release = gate();
  const prefix = `tm:test:${uniqueSuffix('grpc_cluster')}:`;

  const build = (roles: Role[], plugins: ReturnType<typeof grpcApi>[] = []) =>
    createTaskManager(
      {
        app: { logLevel: 'silent', host: '127.0.0.1', port: 0 },
        roles,
        scheduler: { scanInterval: '20ms' },
        worker: { takeWait: '200ms', gracefulShutdownTimeout: '100ms' },
        taskTypes: [
          { taskType: 'echo', executorType: 'local', maxConcurrent: 0 },
          { taskType: 'gated', executorType: 'local', maxConcurrent: 0 },
        ],
        plugins: [
          mysqlStorage({ url: database.url, poolSize: 4 }),
          redisQueue({ url: REDIS_URL, prefix }),
          loadBalancers(),
          localExecutor({ echo: (payload) => payload, gated: async () => (await release.promise, { released: true }) }),
          ...plugins,
        ],
      },
      { env: {}, logger: pino({ level: 'silent' }) },
    );

  beforeAll(async () => {
    database = await createTestDatabase('grpc_cluster');
    await runMigrations(database.url);
    const port = await freePort();
    // Re-reads only once a minute: within these tests, only events can deliver the changes.
    api = await build(['api'], [grpcApi({ port, waitRecheckInterval: '60s' })]);
    worker = await build(['scheduler', 'worker']);
    await api.start();
    await worker.start();
    client = taskServiceClient(`127.0.0.1:${port}`);
  });

  afterAll(async () => {
    release.open();
    client?.close();
    await worker?.stop();
    await api?.stop();
    await database?.drop();
  });

  it('WaitTask follows a task run by another process until SUCCESS', async () => {
    const { task } = await client.ok('CreateTask', { task_type: 'gated', payload: { from: 'grpc' } });
    const messages: { task: { status: string; json_result: unknown } }[] = [];
    const ended = collect(client.stream('WaitTask', { task_id: task.task_id }, { timeoutMs: 20_000 }), messages);
    await waitFor(() => messages.some((m) => m.task.status === 'PROCESSING'), {
      timeoutMs: 10_000,
      message: 'PROCESSING from the worker process',
    });
    release.open();
    const { error } = await ended;
    expect(error).toBeUndefined();
    expect(messages.map((m) => m.task.status)).toEqual(['PENDING', 'PROCESSING', 'SUCCESS'].slice(3 - messages.length));
    expect(messages.at(-1)?.task.json_result).toMatchObject({
      structValue: { fields: { released: { boolValue: true } } },
    });
  });

  it('creates, lists and reads logs on MySQL through gRPC', async () => {
    const batch = await client.ok('CreateTasks', {
      tasks: [
        { task_type: 'echo', payload: { i: '1' } },
        { task_type: 'echo', payload: { i: '2' } },
      ],
    });
    const ids = batch.results.map((r: { task: { task_id: string } }) => r.task.task_id);
    for (const id of ids) {
      const { messages } = await collect(client.stream('WaitTask', { task_id: id }, { timeoutMs: 20_000 }));
      expect(messages.at(-1).task.status).toBe('SUCCESS');
    }
    const listed = await client.ok('ListTasks', { task_type: 'echo', status: 'SUCCESS', priority: -1, page_size: 1 });
    expect(listed.total).toBeGreaterThanOrEqual(2);
    expect(listed.tasks).toHaveLength(1);
    const { logs } = await client.ok('GetTaskLogs', { task_id: ids[0] });
    expect(logs.map((l: { to_status: string }) => l.to_status)).toEqual(['PENDING', 'PROCESSING', 'SUCCESS']);
  });

  it('answers an unexpected storage failure with INTERNAL / 50001, without its text', async () => {
    const { task } = await client.ok('CreateTask', { task_type: 'echo' });
    await database.admin.query(`RENAME TABLE \`${database.name}\`.task_logs TO \`${database.name}\`.task_logs_away`);
    try {
      const { error } = await client.call('GetTaskLogs', { task_id: task.task_id });
      expect(error?.code).toBe(status.INTERNAL);
      expect(tmCode(error)).toBe(50001);
      expect(error?.details).toBe('internal error');
    } finally {
      await database.admin.query(`RENAME TABLE \`${database.name}\`.task_logs_away TO \`${database.name}\`.task_logs`);
    }
  });
});
