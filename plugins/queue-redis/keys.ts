import { InvalidParameterError } from '../../core/index.ts';

/**
 * The key layout of docs/operations.md#key-layout, behind one optional prefix. Pub/sub channels carry the
 * prefix too, so two deployments sharing one Redis never hear each other.
 */
export interface RedisKeys {
  readonly prefix: string;
  readonly queueHigh: string;
  readonly queueNormal: string;
  /** ZSET, score = due time in ms, member = "<priority>:<task id>". */
  readonly queueDelayed: string;
  /** LIST of "<priority>:<task id>": ids the leader popped and has not dispatched yet. */
  readonly claimed: string;
  readonly leader: string;
  /** SET of every known worker id (the registry never scans with KEYS). */
  readonly workers: string;
  /** SET of worker ids that were dispatched to and not drained since: whose lists `lengths` reports. */
  readonly queueWorkers: string;
  /** SET of every task type a worker ever announced, so removal can clean each `worker:type:*` set. */
  readonly workerTypes: string;
  /** Prefixes the Lua scripts extend with an id (`task:cancel:` + id, `worker:type:` + type). */
  readonly cancelMarkPrefix: string;
  readonly workerTypePrefix: string;
  /** Channel: something became ready for the leader (enqueue, promotion, unclaim, ack). */
  readonly notifyChannel: string;
  /** Channel: the leader lock was released. */
  readonly vacancyChannel: string;
  readonly eventsChannel: string;
  /** Channel: a process started listening on eventsChannel (publishers turn publishing on). */
  readonly eventsInterestChannel: string;
  workerQueue(workerId: string): string;
  workerProcessing(workerId: string): string;
  worker(workerId: string): string;
  workerType(taskType: string): string;
  cancelMark(taskId: string): string;
  cancelChannel(workerId: string): string;
  taskCache(taskId: string): string;
  /** A rate-limit window (`ratelimit:task:{type}`, `ratelimit:api:{client}`). */
  rateLimit(key: string): string;
}

export function createKeys(prefix: string, leaderKey = 'scheduler:leader'): RedisKeys {
  const k = (name: string) => `${prefix}${name}`;
  return {
    prefix,
    queueHigh: k('queue:high'),
    queueNormal: k('queue:normal'),
    queueDelayed: k('queue:delayed'),
    claimed: k('scheduler:claimed'),
    leader: k(leaderKey),
    workers: k('workers'),
    workerTypes: k('workers:types'),
    queueWorkers: k('queue:workers'),
    cancelMarkPrefix: k('task:cancel:'),
    workerTypePrefix: k('worker:type:'),
    notifyChannel: k('queue:notify'),
    vacancyChannel: k('scheduler:vacancy'),
    eventsChannel: k('task:events'),
    eventsInterestChannel: k('task:events:interest'),
    workerQueue: (id) => k(`worker:${id}:queue`),
    workerProcessing: (id) => k(`worker:${id}:processing`),
    worker: (id) => k(`worker:${id}`),
    workerType: (type) => k(`worker:type:${type}`),
    cancelMark: (id) => k(`task:cancel:${id}`),
    cancelChannel: (id) => k(`cancel:${id}`),
    taskCache: (id) => k(`task:cache:${id}`),
    rateLimit: (key) => k(`ratelimit:${key}`),
  };
}

/** Redis hashes only the text between the first `{` and the next `}` when both exist and it is non-empty. */
const LEADING_HASH_TAG = /^[^{]*\{[^}]+\}/;

/**
 * In Redis Cluster every key a Lua script touches must live in one hash slot. The scripts
 * touch several keys (a ready queue and the claimed list, a worker queue and the cancel
 * marks), so every key must share a hash tag, and the prefix is where it goes.
 */
export function assertClusterPrefix(prefix: string): void {
  if (LEADING_HASH_TAG.test(prefix)) return;
  throw new InvalidParameterError(
    `redis.prefix must contain a hash tag such as "{tm}:" in cluster mode (got ${JSON.stringify(prefix)}): ` +
      'the queue scripts change several keys atomically, and Redis Cluster only allows that when all of ' +
      'them hash to one slot, which a shared {tag} in the prefix guarantees',
    { field: 'redis.prefix' },
  );
}
