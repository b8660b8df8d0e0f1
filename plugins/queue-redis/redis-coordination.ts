import { RedisRateLimiter } from './redis-rate-limiter.ts';
import type {
  CancelSignals,
  Clock,
  CoordinationPort,
  EventBridge,
  LeaderElection,
  RateLimiter,
  Unsubscribe,
  WireEvent,
  WorkerInfo,
  WorkerRegistry,
} from '../../core/index.ts';
import { guard } from './connection.ts';
import type { RedisConnections } from './redis-connections.ts';
import { decodeWorker, encodeWorker } from './worker-hash.ts';

/** A cancel mark lives one hour (docs/design.md#queues-and-redis-keys). */
const CANCEL_MARK_TTL_SECONDS = 3600;

class RedisLeaderElection implements LeaderElection {
  constructor(private readonly redis: RedisConnections) {}

  async tryAcquire(candidateId: string, ttlMs: number): Promise<boolean> {
    return (
      (await this.redis.scripts.run<number>('leader-acquire', [this.redis.keys.leader], [candidateId, ttlMs])) === 1
    );
  }

  async renew(candidateId: string, ttlMs: number): Promise<boolean> {
    return (await this.redis.scripts.run<number>('leader-renew', [this.redis.keys.leader], [candidateId, ttlMs])) === 1;
  }

  async release(candidateId: string): Promise<void> {
    await this.redis.scripts.run(
      'leader-release',
      [this.redis.keys.leader],
      [candidateId, this.redis.keys.vacancyChannel],
    );
  }

  async currentLeader(): Promise<string | null> {
    return guard(this.redis.command.get(this.redis.keys.leader));
  }

  waitForVacancy(timeoutMs: number, signal?: AbortSignal): Promise<void> {
    return this.redis.vacancy.wait(timeoutMs, signal);
  }
}

class RedisWorkerRegistry implements WorkerRegistry {
  constructor(
    private readonly redis: RedisConnections,
    /** Overrides the TTL the worker asks for, when the deployment sets `redis.workerTtl`. */
    private readonly ttlOverrideMs: number | undefined,
    private readonly clock: Clock,
  ) {}

  async register(worker: WorkerInfo, ttlMs: number): Promise<void> {
    const { keys } = this.redis;
    const fields = encodeWorker(worker, this.clock.now());
    await this.redis.scripts.run(
      'worker-register',
      [keys.worker(worker.workerId), keys.workers, keys.workerTypes],
      [
        worker.workerId,
        this.ttlOverrideMs ?? ttlMs,
        keys.workerTypePrefix,
        worker.supportedTypes.join(','),
        ...Object.entries(fields).flat(),
      ],
    );
  }

  async heartbeat(workerId: string, load: number, at: Date, ttlMs: number): Promise<boolean> {
    const refreshed = await this.redis.scripts.run<number>(
      'worker-heartbeat',
      [this.redis.keys.worker(workerId)],
      [load, at.getTime(), this.ttlOverrideMs ?? ttlMs, this.clock.now().getTime()],
    );
    return refreshed === 1;
  }

  async listWorkers(): Promise<WorkerInfo[]> {
    const { keys, command } = this.redis;
    const ids = await guard(command.smembers(keys.workers));
    if (ids.length === 0) return [];
    const pipeline = command.pipeline();
    for (const id of ids) pipeline.hgetall(keys.worker(id));
    const results = (await guard(pipeline.exec())) ?? [];
    return ids.map((id, i) => {
      const [error, hash] = results[i] ?? [null, {}];
      if (error) throw error;
      return decodeWorker(id, hash as Record<string, string>);
    });
  }

  async removeWorker(workerId: string): Promise<void> {
    const { keys } = this.redis;
    await this.redis.scripts.run(
      'worker-remove',
      [keys.worker(workerId), keys.workers, keys.workerTypes],
      [workerId, keys.workerTypePrefix],
    );
  }
}

class RedisCancelSignals implements CancelSignals {
  constructor(private readonly redis: RedisConnections) {}

  async requestCancel(taskId: string, workerId: string | null): Promise<void> {
    const { keys, command } = this.redis;
    // MULTI: the mark is set before the worker hears of it, and both happen or neither.
    const transaction = command.multi().set(keys.cancelMark(taskId), '1', 'EX', CANCEL_MARK_TTL_SECONDS);
    if (workerId !== null) transaction.publish(keys.cancelChannel(workerId), taskId);
    const results = await guard(transaction.exec());
    for (const [error] of results ?? []) if (error) throw error;
  }

  async findCancelled(taskIds: readonly string[]): Promise<Set<string>> {
    if (taskIds.length === 0) return new Set();
    const marks = await guard(this.redis.command.mget(taskIds.map((id) => this.redis.keys.cancelMark(id))));
    return new Set(taskIds.filter((_, i) => marks[i] !== null));
  }

  subscribeCancels(workerId: string, handler: (taskId: string) => void): Promise<Unsubscribe> {
    return this.redis.subscriptions.on(this.redis.keys.cancelChannel(workerId), handler);
  }
}

class RedisEventBridge implements EventBridge {
  constructor(
    private readonly redis: RedisConnections,
    private readonly enabled: boolean,
    private readonly reportBadMessage: (message: string, error: unknown) => void,
  ) {}

  interested(): boolean {
    return this.enabled && this.redis.eventInterest.interested;
  }

  async publish(events: readonly WireEvent[]): Promise<void> {
    if (!this.interested() || events.length === 0) return;
    const pipeline = this.redis.command.pipeline();
    for (const event of events) pipeline.publish(this.redis.keys.eventsChannel, JSON.stringify(event));
    for (const [error] of (await guard(pipeline.exec())) ?? []) if (error) throw error;
  }

  async subscribe(handler: (event: WireEvent) => void): Promise<Unsubscribe> {
    if (!this.enabled) return async () => {};
    const unsubscribe = await this.redis.subscriptions.on(this.redis.keys.eventsChannel, (message) => {
      let event: WireEvent;
      try {
        event = JSON.parse(message) as WireEvent;
      } catch (error) {
        // Another producer on the channel; one bad message must not stop the others.
        this.reportBadMessage(message, error);
        return;
      }
      handler(event);
    });
    // Publishers elsewhere may have stopped for want of listeners: turn them on now.
    await guard(this.redis.command.publish(this.redis.keys.eventsInterestChannel, '1'));
    return unsubscribe;
  }
}

export interface RedisCoordinationOptions {
  workerTtlMs?: number | undefined;
  publishEvents: boolean;
  clock: Clock;
  reportBadMessage: (message: string, error: unknown) => void;
}

/** CoordinationPort over Redis: leader lock, worker registry, cancel marks and channels, events. */
export class RedisCoordination implements CoordinationPort {
  readonly leader: LeaderElection;
  readonly workers: WorkerRegistry;
  readonly cancels: CancelSignals;
  readonly events: EventBridge;
  readonly rateLimits: RateLimiter;

  constructor(
    private readonly redis: RedisConnections,
    options: RedisCoordinationOptions,
  ) {
    this.leader = new RedisLeaderElection(redis);
    this.workers = new RedisWorkerRegistry(redis, options.workerTtlMs, options.clock);
    this.cancels = new RedisCancelSignals(redis);
    this.events = new RedisEventBridge(redis, options.publishEvents, options.reportBadMessage);
    this.rateLimits = new RedisRateLimiter(redis);
  }

  async ping(): Promise<void> {
    await this.redis.ping();
  }
}
