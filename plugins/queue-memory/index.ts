import { z } from 'zod';
import { definePlugin, duration, TOKENS } from '../../core/index.ts';
import type { Plugin } from '../../core/index.ts';
import { createMemoryQueuePair } from './memory-queue-pair.ts';

const optionsSchema = z.object({
  /** How long a cancel mark lives (one hour by default, as on Redis). */
  cancelMarkTtl: duration().default(3_600_000),
});

export type MemoryQueueOptions = z.input<typeof optionsSchema>;

/** The embedded queue and coordination: ready queues, worker lists, leader lock, registry, cancels. */
export function memoryQueue(options: MemoryQueueOptions = {}): Plugin {
  let pair: ReturnType<typeof createMemoryQueuePair> | undefined;
  return definePlugin({
    name: 'queue-memory',
    provides: ['queue', 'coordination'],
    setup(ctx) {
      const settings = ctx.section('memoryQueue', optionsSchema, options);
      const logger = ctx.logger;
      pair = createMemoryQueuePair(ctx.clock, {
        cancelMarkTtlMs: settings.cancelMarkTtl,
        onHandlerError: (error, where) => logger.error({ err: error, where }, 'subscriber failed'),
      });
      ctx.provide(TOKENS.Queue, pair.queue);
      ctx.provide(TOKENS.Coordination, pair.coordination);
    },
    stop() {
      pair?.queue.close();
      pair?.coordination.close();
    },
  });
}
