import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { duration, resolveConfig } from '../../core/index.ts';
import { resolveSection } from '../../core/runtime/resolve-config.ts';
import { metricsOptionsSchema } from '../../plugins/metrics-prometheus/index.ts';
import { redisOptionsSchema } from '../../plugins/queue-redis/options.ts';
import { mysqlOptionsSchema } from '../../plugins/storage-mysql/options.ts';

describe('every option of a section is settable from the environment', () => {
  it('mysql.groupCommit, a nested section key, from TM_MYSQL_GROUP_COMMIT_*', () => {
    const config = resolveConfig({}, { TM_MYSQL_GROUP_COMMIT_MAX_CALL_TASKS: '0', TM_MYSQL_POOL_SIZE: '7' });
    const resolved = resolveSection(config, 'mysql', mysqlOptionsSchema, { groupCommit: { maxGroupTasks: 50 } });
    expect(resolved.poolSize).toBe(7);
    expect(resolved.groupCommit).toEqual({ maxCallTasks: 0, maxGroupTasks: 50 });
  });

  it('a file value of a nested key is kept when the environment sets another key of it', () => {
    const config = resolveConfig(
      { mysql: { groupCommit: { maxGroupsInFlight: 2 } } },
      { TM_MYSQL_GROUP_COMMIT_MAX_CALL_TASKS: '10' },
    );
    expect(resolveSection(config, 'mysql', mysqlOptionsSchema, {}).groupCommit).toEqual({
      maxGroupsInFlight: 2,
      maxCallTasks: 10,
    });
  });

  it('redis.sentinel (a nested object behind a preprocess) from TM_REDIS_SENTINEL_*', () => {
    const config = resolveConfig(
      {},
      { TM_REDIS_SENTINEL_NAME: 'mymaster', TM_REDIS_SENTINEL_SENTINELS: 'h1:26379,h2:26380', TM_REDIS_PREFIX: 'p:' },
    );
    expect(resolveSection(config, 'redis', redisOptionsSchema, {})).toMatchObject({
      prefix: 'p:',
      sentinel: {
        name: 'mymaster',
        sentinels: [
          { host: 'h1', port: 26379 },
          { host: 'h2', port: 26380 },
        ],
      },
    });
  });

  it('a camelCase section (memoryQueue) and a list of numbers (metrics.durationBuckets)', () => {
    const config = resolveConfig(
      {},
      {
        TM_MEMORY_QUEUE_CANCEL_MARK_TTL: '10m',
        TM_METRICS_DURATION_BUCKETS: '0.5,2',
        TM_METRICS_DEFAULT_METRICS: 'no',
      },
    );
    expect(resolveSection(config, 'memoryQueue', z.object({ cancelMarkTtl: duration() }), {})).toEqual({
      cancelMarkTtl: 600_000,
    });
    expect(resolveSection(config, 'metrics', metricsOptionsSchema, {})).toMatchObject({
      durationBuckets: [0.5, 2],
      defaultMetrics: false,
    });
  });
});
