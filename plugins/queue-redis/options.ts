import { z } from 'zod';
import { boolean, duration } from '../../core/index.ts';

/** `{ host, port }` or the shorter "host:port". */
const hostPort = z.preprocess(
  (value) => {
    if (typeof value !== 'string') return value;
    const at = value.lastIndexOf(':');
    return at > 0 ? { host: value.slice(0, at), port: value.slice(at + 1) } : { host: value, port: 6379 };
  },
  z.object({ host: z.string().min(1), port: z.coerce.number().int().min(1).max(65_535) }),
);

/** docs/configuration.md spells Sentinel as `{ master, nodes }`; ioredis as `{ name, sentinels }`. Both are accepted. */
function sentinelAliases(value: unknown): unknown {
  if (typeof value !== 'object' || value === null) return value;
  const { master, nodes, ...rest } = value as Record<string, unknown>;
  return { name: master, sentinels: nodes, ...rest };
}

/** The `redis` config section (docs/configuration.md#redis-queue-redis); TM_REDIS_URL and TM_REDIS_PREFIX override it. */
export const redisOptionsSchema = z.object({
  url: z.string().min(1).default('redis://127.0.0.1:6379'),
  /** Prepended to every key and channel; in cluster mode it must carry a hash tag like "{tm}:". */
  prefix: z.string().default(''),
  /** Connect through Sentinel to the master called `name`; `url` is then ignored. */
  sentinel: z
    .preprocess(
      sentinelAliases,
      z.object({
        name: z.string().min(1),
        sentinels: z.array(hostPort).min(1),
        password: z.string().optional(),
        sentinelPassword: z.string().optional(),
      }),
    )
    .optional(),
  /** Connect to a Redis Cluster through these seed nodes; `url` is then ignored. */
  cluster: z.object({ nodes: z.array(hostPort).min(1) }).optional(),
  /** TTL of `task:cache:{id}`. */
  cacheTtl: duration().default(300_000),
  /** TTL of `worker:{id}`; by default the worker's heartbeat timeout. */
  workerTtl: duration().optional(),
  /** Bridge task events across processes over `task:events`. */
  publishEvents: boolean().default(true),
  connectTimeout: duration().default(3_000),
  /** A short command without a reply after this long fails with 50301 instead of hanging. */
  commandTimeout: duration().default(5_000),
});

export type RedisQueueOptions = Partial<z.input<typeof redisOptionsSchema>>;
export type ResolvedRedisOptions = z.output<typeof redisOptionsSchema>;
