import type { Clock } from '../../core/index.ts';
import { MemoryCoordination } from './memory-coordination.ts';
import type { HandlerErrorReporter } from './memory-coordination.ts';
import { MemoryQueue } from './memory-queue.ts';

/**
 * The queue and the coordination of one process, built together because `dispatch` reads
 * the cancel marks. Exposed for tests and embedders that want them without an app.
 */
export function createMemoryQueuePair(
  clock: Clock,
  options: { cancelMarkTtlMs?: number; onHandlerError?: HandlerErrorReporter } = {},
): { queue: MemoryQueue; coordination: MemoryCoordination } {
  const coordination = new MemoryCoordination(clock, {
    cancelMarkTtlMs: options.cancelMarkTtlMs ?? 3_600_000,
    onHandlerError: options.onHandlerError ?? rethrowLater,
  });
  const queue = new MemoryQueue(coordination.cancels, coordination.workers, () => coordination.leader.holderNow());
  return { queue, coordination };
}

/** Without a logger, a failing subscriber surfaces as an uncaught error rather than vanishing. */
function rethrowLater(error: unknown): void {
  queueMicrotask(() => {
    throw error;
  });
}
