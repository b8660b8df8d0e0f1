import { pino } from 'pino';
import { createTaskManager, type CreateTaskInput, type TaskManager } from './our-core.ts';
import { demoExecutors } from '../../plugins/executor-demo/index.ts';
import { loadBalancers } from '../../plugins/load-balancers/index.ts';
import { redisQueue } from '../../plugins/queue-redis/index.ts';
import { memoryStorage } from '../../plugins/storage-memory/index.ts';
import { REDIS_URL } from './redis-keys.ts';

export const SLEEP_TYPE = 'sleep';

/**
 * Memory storage + Redis queue, all roles, with the demo executor's `sleep` type (an
 * abortable timer, the shape of real I/O-bound work) and a worker built paused: start it
 * with startWorker() once the tasks exist. No retries, no max_concurrent cap.
 */
export async function sleepApp(prefix: string, capacity: number): Promise<TaskManager> {
  const app = await createTaskManager(
    {
      app: { logLevel: 'silent', nodeId: 'bench' },
      roles: ['api', 'scheduler', 'worker'],
      worker: { capacity, enabled: false },
      taskTypes: [{ taskType: SLEEP_TYPE, executorType: 'demo', maxConcurrent: 0, defaultMaxRetry: 0, retryDelay: 0 }],
      plugins: [
        memoryStorage(),
        redisQueue({ url: REDIS_URL, prefix: `${prefix}:` }),
        loadBalancers(),
        demoExecutors(),
      ],
    },
    { env: {}, logger: pino({ level: 'silent' }) },
  );
  await app.start();
  return app;
}

export function sleepInputs(count: number, ms: number, from = 0): CreateTaskInput[] {
  return Array.from({ length: count }, (_, i) => ({ taskType: SLEEP_TYPE, payload: { ms, i: from + i } }));
}
