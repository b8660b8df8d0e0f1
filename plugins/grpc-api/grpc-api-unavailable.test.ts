/**
 * A dependency outage over gRPC: the app's Redis (a private redis-server, so the test may stop
 * it) goes away, and calls answer UNAVAILABLE with 50301 instead of hanging or INTERNAL.
 */
import { spawnSync } from 'node:child_process';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { status } from '@grpc/grpc-js';
import { createTaskManager, type TaskManager } from '../../core/index.ts';
import { OwnRedis } from '../../test/e2e/support/redis-server.ts';
import { freePort } from '../../test/helpers/free-port.ts';
import { taskServiceClient, tmCode, type TaskServiceClient } from '../../test/helpers/grpc-client.ts';
import { healthClient } from '../../test/helpers/grpc-standard-clients.ts';
import { waitFor } from '../../test/helpers/wait.ts';
import { redisQueue } from '../queue-redis/index.ts';
import { memoryStorage } from '../storage-memory/index.ts';
import { grpcApi } from './index.ts';

const hasRedisServer = spawnSync('redis-server', ['--version']).status === 0;
if (!hasRedisServer && process.env.CI === 'true')
  throw new Error('redis-server is not installed, and CI=true requires it');

describe.skipIf(!hasRedisServer)('gRPC API while Redis is down', () => {
  let redis: OwnRedis;
  let app: TaskManager;
  let client: TaskServiceClient;
  let address: string;

  beforeAll(async () => {
    redis = await OwnRedis.start(await freePort());
    const port = await freePort();
    address = `127.0.0.1:${port}`;
    app = await createTaskManager(
      {
        app: { logLevel: 'silent', host: '127.0.0.1', port: 0 },
        roles: ['api'],
        taskTypes: [{ taskType: 'echo', executorType: 'demo' }],
        plugins: [
          memoryStorage(),
          redisQueue({ url: redis.url, prefix: 'tm:test:grpc-down:', commandTimeout: '1s' }),
          grpcApi({ port }),
        ],
      },
      { env: {}, logger: pino({ level: 'silent' }) },
    );
    await app.start();
    client = taskServiceClient(address);
  });

  afterAll(async () => {
    client?.close();
    await redis?.destroy();
    await app?.stop();
  });

  it('answers UNAVAILABLE / 50301, and health turns NOT_SERVING', async () => {
    const { task } = await client.ok('CreateTask', { task_type: 'echo' });
    await redis.stop('SIGKILL');

    const { error } = await client.call('GetTask', { task_id: task.task_id });
    expect(error?.code).toBe(status.UNAVAILABLE);
    expect(tmCode(error)).toBe(50301);
    expect(error?.details).toBe('redis is unavailable');

    const health = healthClient(address);
    try {
      await waitFor(async () => (await health.check('')).status === 'NOT_SERVING', {
        timeoutMs: 15_000,
        intervalMs: 200,
        message: 'NOT_SERVING',
      });
    } finally {
      health.close();
    }
  });
});
