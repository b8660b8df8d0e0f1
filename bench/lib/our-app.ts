import { pino } from 'pino';
import type { Plugin } from '../../core/index.ts';
import {
  createTaskManager,
  Worker,
  type CreateTaskInput,
  type LocalHandlerLike,
  type Role,
  type TaskManager,
} from './our-core.ts';
import { localExecutor } from '../../plugins/executor-local/index.ts';
import { loadBalancers } from '../../plugins/load-balancers/index.ts';
import { memoryQueue } from '../../plugins/queue-memory/index.ts';
import { redisQueue } from '../../plugins/queue-redis/index.ts';
import { memoryStorage } from '../../plugins/storage-memory/index.ts';
import { mysqlStorage } from '../../plugins/storage-mysql/index.ts';
import { deleteKeys, REDIS_URL } from './redis-keys.ts';
import { inFlight } from './stats.ts';

export type QueueKind = 'memory' | 'redis';

export interface OurAppOptions {
  queue: QueueKind;
  /** Redis key prefix (ours only); required with the Redis queue. */
  prefix?: string;
  roles?: Role[];
  capacity?: number;
  /** false: the app builds no worker; start one later with startWorker() (a paused worker). */
  worker?: boolean;
  handler?: LocalHandlerLike;
  leaderLockTtl?: number;
  /**
   * Durable storage on this (already migrated) database instead of memory storage: every
   * transition and log row is committed to MySQL/MariaDB (a fresh database from bench/lib/mysql-database.ts).
   */
  mysqlUrl?: string;
  /** The MySQL pool per app (the plugin's default, 20, when unset). */
  mysqlPoolSize?: number;
}

export const NOOP_TYPE = 'noop';

/**
 * An in-process app on memory storage (or MySQL with `mysqlUrl`) and the chosen queue, with
 * one task type `noop` (no max_concurrent cap, no retries). Every setting is the shipped
 * default: the bench measures what a user gets.
 */
export async function ourApp(options: OurAppOptions): Promise<TaskManager> {
  const queue =
    options.queue === 'redis' ? redisQueue({ url: REDIS_URL, prefix: `${options.prefix}:` }) : memoryQueue();
  const app = await createTaskManager(
    {
      app: { logLevel: 'silent', nodeId: 'bench' },
      roles: options.roles ?? ['api', 'scheduler', 'worker'],
      scheduler: options.leaderLockTtl ? { leaderLockTtl: options.leaderLockTtl } : {},
      worker: { capacity: options.capacity ?? 10, enabled: options.worker ?? true },
      taskTypes: [{ taskType: NOOP_TYPE, executorType: 'local', maxConcurrent: 0, defaultMaxRetry: 0, retryDelay: 0 }],
      plugins: [
        storagePlugin(options),
        queue,
        loadBalancers(),
        localExecutor({ [NOOP_TYPE]: options.handler ?? (() => null) }),
      ],
    },
    { env: {}, logger: pino({ level: 'silent' }) },
  );
  await app.start();
  return app;
}

function storagePlugin(options: OurAppOptions): Plugin {
  if (options.mysqlUrl === undefined) return memoryStorage();
  return mysqlStorage({ url: options.mysqlUrl, ...(options.mysqlPoolSize ? { poolSize: options.mysqlPoolSize } : {}) });
}

/** A worker started by hand on a running app built with `worker: false`. */
export async function startWorker(app: TaskManager): Promise<Worker> {
  const worker = app.container.resolve(Worker);
  await worker.start();
  return worker;
}

export async function stopApp(app: TaskManager, extra: { worker?: Worker; prefix?: string } = {}): Promise<void> {
  await extra.worker?.stop();
  await app.stop();
  if (extra.prefix) await deleteKeys(extra.prefix);
}

export function noopInputs(count: number, priority = 0, from = 0, taskType = NOOP_TYPE): CreateTaskInput[] {
  return Array.from({ length: count }, (_, i) => ({ taskType, priority, payload: { i: from + i } }));
}

/**
 * Pre-creates `count` tasks through createMany in batches of 1000, `parallel` batches in
 * flight (2 keep both Node and MySQL busy when each batch is a durable transaction).
 */
export async function precreate(
  app: TaskManager,
  count: number,
  priority = 0,
  parallel = 1,
  taskType = NOOP_TYPE,
): Promise<void> {
  const batches = Math.ceil(count / 1000);
  await inFlight(batches, parallel, (b) =>
    app.services.tasks.createMany(noopInputs(Math.min(1000, count - b * 1000), priority, b * 1000, taskType)),
  );
}

/** Counts task_completed events of this app (its own: the bench must not make events cross processes). */
export function completionCounter(app: TaskManager): { count: () => number; off: () => void } {
  let completed = 0;
  const off = app.events.on(
    'task_completed',
    () => {
      completed++;
    },
    { localOnly: true },
  );
  return { count: () => completed, off };
}
