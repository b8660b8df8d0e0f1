import { pino } from 'pino';
import { createTaskManager, type TaskManager } from './our-core.ts';
import { httpApi } from '../../plugins/http-api/index.ts';
import { localExecutor } from '../../plugins/executor-local/index.ts';
import { loadBalancers } from '../../plugins/load-balancers/index.ts';
import { redisQueue } from '../../plugins/queue-redis/index.ts';
import { memoryStorage } from '../../plugins/storage-memory/index.ts';
import { mysqlStorage } from '../../plugins/storage-mysql/index.ts';
import { NOOP_TYPE } from './our-app.ts';
import { REDIS_URL } from './redis-keys.ts';

export type StorageChoice = { kind: 'memory' } | { kind: 'mysql'; url: string; poolSize: number };

export interface HttpApp {
  app: TaskManager;
  /** http://127.0.0.1:<ephemeral port> */
  baseUrl: string;
}

/**
 * The api role only (no scheduler, no worker: only creation is measured), the HTTP API on an
 * ephemeral loopback port, the Redis queue under `prefix`, task type `noop`.
 */
export async function httpApp(storage: StorageChoice, prefix: string): Promise<HttpApp> {
  const api = httpApi();
  const app = await createTaskManager(
    {
      app: { logLevel: 'silent', nodeId: 'bench', host: '127.0.0.1', port: 0 },
      roles: ['api'],
      taskTypes: [{ taskType: NOOP_TYPE, executorType: 'local', maxConcurrent: 0, defaultMaxRetry: 0, retryDelay: 0 }],
      plugins: [
        storage.kind === 'mysql' ? mysqlStorage({ url: storage.url, poolSize: storage.poolSize }) : memoryStorage(),
        redisQueue({ url: REDIS_URL, prefix: `${prefix}:` }),
        loadBalancers(),
        localExecutor({ [NOOP_TYPE]: () => null }),
        api,
      ],
    },
    { env: {}, logger: pino({ level: 'silent' }) },
  );
  await app.start();
  if (api.port === undefined) {
    await app.stop();
    throw new Error('the HTTP API is not listening');
  }
  return { app, baseUrl: `http://127.0.0.1:${api.port}` };
}
