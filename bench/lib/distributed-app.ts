import { fileURLToPath } from 'node:url';
import { pino } from 'pino';
import { loadConfig } from '../../core/index.ts';
import { createTaskManager, type TaskManager } from './our-core.ts';
import { REDIS_URL } from './redis-keys.ts';

/** The config a user deploys: the bench measures it as shipped, tuning nothing. */
export const DISTRIBUTED_CONFIG = fileURLToPath(
  new URL('../../examples/distributed/taskmanager.config.ts', import.meta.url),
);

/** The same deployment on PostgreSQL (examples/postgres): the PostgreSQL rows of the bench. */
export const POSTGRES_CONFIG = fileURLToPath(new URL('../../examples/postgres/taskmanager.config.ts', import.meta.url));

export interface DistributedAppOptions {
  /** examples/distributed on this MySQL database… */
  mysqlUrl?: string;
  /** …or examples/postgres on this PostgreSQL database and schema. */
  postgres?: { url: string; schema: string };
  /** Redis key prefix, so runs never see each other's keys. */
  prefix: string;
  capacity: number;
  /** false: no worker yet (start one with startWorker() once the backlog is queued). */
  worker?: boolean;
  /** TM_ROLES; one process running the scheduler and the worker by default. */
  roles?: string;
}

/**
 * examples/distributed/taskmanager.config.ts (or examples/postgres with `postgres`) loaded the
 * way `taskmanager start` loads it, with only what a deployment sets in its environment:
 * where MySQL (PostgreSQL) and Redis are, the roles
 * (scheduler,worker: one process, no API port), the worker capacity. Everything else is the
 * shipped default.
 */
export async function distributedApp(options: DistributedAppOptions): Promise<TaskManager> {
  const { config } = await loadConfig({ path: options.postgres ? POSTGRES_CONFIG : DISTRIBUTED_CONFIG });
  const storage: Record<string, string> = options.postgres
    ? { TM_POSTGRES_URL: options.postgres.url, TM_POSTGRES_SCHEMA: options.postgres.schema }
    : { TM_MYSQL_URL: options.mysqlUrl ?? '' };
  const env: Record<string, string> = {
    ...storage,
    TM_REDIS_URL: REDIS_URL,
    TM_REDIS_PREFIX: `${options.prefix}:`,
    TM_ROLES: options.roles ?? 'scheduler,worker',
    TM_NODE_ID: 'bench',
    TM_WORKER_CAPACITY: String(options.capacity),
    TM_APP_LOG_LEVEL: 'silent',
    TM_GRPC_PORT: '0',
    TM_PORT: '0',
  };
  if (options.worker === false) env.TM_WORKER_ENABLED = 'false';
  const app = await createTaskManager(config, { env, logger: pino({ level: 'silent' }) });
  await app.start();
  return app;
}
