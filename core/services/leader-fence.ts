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
