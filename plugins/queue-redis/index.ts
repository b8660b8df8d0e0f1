import { TOKENS, definePlugin } from '../../core/index.ts';
import type { Plugin } from '../../core/index.ts';
import { assertClusterPrefix, createKeys } from './keys.ts';
import type { RedisQueueOptions } from './options.ts';
import { redisOptionsSchema } from './options.ts';
import { RedisConnections } from './redis-connections.ts';
import { RedisCoordination } from './redis-coordination.ts';
import { RedisQueue } from './redis-queue.ts';
import { RedisTaskCache } from './redis-task-cache.ts';

export type { RedisQueueOptions } from './options.ts';

/**
 * Queue, coordination and task cache on Redis (docs/operations.md#key-layout): the distributed deployment's
 * shared state between API, scheduler and worker processes.
 */
export function redisQueue(options: RedisQueueOptions = {}): Plugin {
  let connections: RedisConnections | undefined;
  return definePlugin({
    name: 'queue-redis',
    provides: ['queue', 'coordination', 'task-cache'],
    setup(ctx) {
      const settings = ctx.section('redis', redisOptionsSchema, options);
      if (settings.cluster) assertClusterPrefix(settings.prefix);
      const logger = ctx.logger;
      connections = new RedisConnections(
        createKeys(settings.prefix, ctx.config.scheduler.leaderLockKey),
        {
          url: settings.url,
          sentinel: settings.sentinel,
          cluster: settings.cluster,
          connectTimeoutMs: settings.connectTimeout,
          commandTimeoutMs: settings.commandTimeout,
        },
        `taskmanager:${ctx.nodeId}`,
        (error, channel) => logger.error({ err: error, channel }, 'a Redis message handler threw'),
      );
      ctx.provide(TOKENS.Queue, new RedisQueue(connections));
      ctx.provide(
        TOKENS.Coordination,
        new RedisCoordination(connections, {
          workerTtlMs: settings.workerTtl,
          publishEvents: settings.publishEvents,
          clock: ctx.clock,
          reportBadMessage: (message, error) =>
            logger.warn(
              { err: error, message: message.slice(0, 200) },
              'ignored a malformed message on the events channel',
            ),
        }),
      );
      ctx.provide(TOKENS.TaskCache, new RedisTaskCache(connections, settings.cacheTtl));
    },
    async start(ctx) {
      const metrics = ctx.tryResolve(TOKENS.Metrics);
      if (metrics) {
        connections?.observe({
          error: (kind) => metrics.recordDependencyError('redis', kind),
          reconnected: (role) => metrics.recordDependencyReconnect('redis', role),
        });
      }
      await connections?.start();
    },
    async stop() {
      await connections?.stop();
    },
  });
}
