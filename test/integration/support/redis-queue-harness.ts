import { Redis } from 'ioredis';
import type { z } from 'zod';
import { configSchema, systemClock, TOKENS } from '../../../core/index.ts';
import type {
  CoordinationPort,
  PluginContext,
  ResolvedConfig,
  TaskCache,
  TaskQueue,
  Token,
} from '../../../core/index.ts';
import { redisQueue } from '../../../plugins/queue-redis/index.ts';
import type { RedisQueueOptions } from '../../../plugins/queue-redis/index.ts';
import { REDIS_URL } from '../../helpers/services.ts';

const silentLogger = { debug() {}, info() {}, warn() {}, error() {}, child: () => silentLogger };

/** The slice of a PluginContext the queue-redis plugin uses, with the test's options merged as the app would. */
export function pluginContext(): { ctx: PluginContext; resolve<T>(token: Token<T>): T } {
  const provided = new Map<symbol, unknown>();
  const config = { ...configSchema.parse({}), sections: {} } as ResolvedConfig;
  const ctx = {
    config,
    nodeId: 'test-node',
    clock: systemClock,
    logger: silentLogger,
    provide: (token: symbol, value: unknown) => provided.set(token, value),
    tryResolve: (token: symbol) => provided.get(token),
    section: (_name: string, schema: z.ZodType, options?: unknown) => schema.parse(options ?? {}),
  };
  return { ctx: ctx as unknown as PluginContext, resolve: <T>(token: Token<T>) => provided.get(token) as T };
}

export interface StartedRedisQueue {
  queue: TaskQueue;
  coordination: CoordinationPort;
  cache: TaskCache;
  stop(): Promise<void>;
  /** Stops the plugin and deletes every key under the prefix. */
  cleanup(): Promise<void>;
}

export async function startRedisQueue(options: RedisQueueOptions & { prefix: string }): Promise<StartedRedisQueue> {
  const plugin = redisQueue({ url: REDIS_URL, ...options });
  const { ctx, resolve } = pluginContext();
  await plugin.setup?.(ctx);
  await plugin.start?.(ctx);
  const stop = async () => {
    await plugin.stop?.(ctx);
  };
  return {
    queue: resolve(TOKENS.Queue),
    coordination: resolve(TOKENS.Coordination),
    cache: resolve(TOKENS.TaskCache),
    stop,
    async cleanup() {
      await stop();
      await deleteKeys(options.url ?? REDIS_URL, options.prefix);
    },
  };
}

/** SCAN MATCH prefix* and DEL, on a connection of its own. */
export async function deleteKeys(url: string, prefix: string): Promise<void> {
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1 });
  await redis.connect();
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
      if (keys.length > 0) await redis.del(...keys);
      cursor = next;
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}
