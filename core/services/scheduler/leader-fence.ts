import type { CoordinationPort } from '../../ports/coordination.ts';
import type { TaskQueue } from '../../ports/queue.ts';

/** Port methods that only read: a scheduler past its term may still call them. */
const READS = /^(get|list|find|count|ping|wait|next|lengths|workerLoads|processingIds|currentLeader|read)/;

/**
 * The leader's view of a port: every method that writes first runs `check`, which throws
 * LeadershipLostError once this scheduler can no longer be sure it holds the leader lock.
 * A leader paused past its lock's TTL (SIGSTOP, a long GC pause) wakes up in the middle of a
 * round with replies to process; with its ports fenced, the next write of that round fails
 * instead of racing the new leader (docs/architecture.md, "Fencing").
 */
export function fenced<T extends object>(port: T, check: () => void): T {
  return new Proxy(port, {
    get(target, property) {
      const value: unknown = Reflect.get(target, property, target);
      if (typeof value !== 'function') return value;
      const method = value as (...args: unknown[]) => unknown;
      if (typeof property !== 'string' || READS.test(property)) return method.bind(target);
      return (...args: unknown[]) => {
        check();
        return method.apply(target, args);
      };
    },
  });
}

/**
 * The queue as the leader uses it: fenced like any port, and its claim and dispatch carry the
 * lock value the leader holds (`token`), which the queue checks in the same atomic step.
 */
export function fencedQueue(queue: TaskQueue, check: () => void, token: () => string | undefined): TaskQueue {
  const base = fenced(queue, check);
  return new Proxy(base, {
    get(target, property) {
      if (property === 'claimFor') {
        return ((workers, limit, fence) => {
          check();
          return queue.claimFor(workers, limit, fence ?? token());
        }) satisfies TaskQueue['claimFor'];
      }
      if (property === 'dispatch') {
        return ((workerId, taskIds, fence) => {
          check();
          return queue.dispatch(workerId, taskIds, fence ?? token());
        }) satisfies TaskQueue['dispatch'];
      }
      return Reflect.get(target, property);
    },
  });
}

/** The coordination as the leader uses it: the worker registry's writes (removing a dead worker) are fenced. */
export function fencedCoordination(coordination: CoordinationPort, check: () => void): CoordinationPort {
  return {
    leader: coordination.leader,
    workers: fenced(coordination.workers, check),
    cancels: coordination.cancels,
    events: coordination.events,
    rateLimits: coordination.rateLimits,
    ping: () => coordination.ping(),
  };
}
