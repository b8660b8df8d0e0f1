import type { WorkerInfo } from '../domain/worker.ts';
import type { WireEvent } from './event-bus.ts';
import type { RateLimiter } from './rate-limiter.ts';

export type Unsubscribe = () => Promise<void>;

/** Leader lock (`scheduler:leader`, docs/design.md#queues-and-redis-keys): acquire is SET NX PX, renew and release compare-and-set. */
export interface LeaderElection {
  /** true when `candidateId` holds the lock afterwards (newly or already). */
  tryAcquire(candidateId: string, ttlMs: number): Promise<boolean>;
  /** Extends the lock only if `candidateId` still holds it; false means leadership is lost. */
  renew(candidateId: string, ttlMs: number): Promise<boolean>;
  /** Deletes the lock only if `candidateId` holds it, and wakes waiting followers. */
  release(candidateId: string): Promise<void>;
  currentLeader(): Promise<string | null>;
  /** Resolves when the lock is released, or after `timeoutMs`; at once if `signal` aborts. */
  waitForVacancy(timeoutMs: number, signal?: AbortSignal): Promise<void>;
}

/** The live worker registry (`worker:{id}`, `workers`, `worker:type:{type}`: docs/design.md#queues-and-redis-keys). */
export interface WorkerRegistry {
  register(worker: WorkerInfo, ttlMs: number): Promise<void>;
  /** Refreshes last_heartbeat, load and TTL; false when the entry is gone and must be registered again. */
  heartbeat(workerId: string, load: number, at: Date, ttlMs: number): Promise<boolean>;
  /**
   * Every known worker. A worker whose entry expired is still listed (status OFFLINE, its
   * last known heartbeat or the epoch) so the leader can recover its tasks.
   */
  listWorkers(): Promise<WorkerInfo[]>;
  /** Forget a worker entirely (after its tasks are recovered, or on graceful stop). */
  removeWorker(workerId: string): Promise<void>;
}

/** Cancel marks (`task:cancel:{id}`, TTL 1 h) and the per-worker channel (`cancel:{worker_id}`). */
export interface CancelSignals {
  /** Sets the mark and, when `workerId` is given, notifies that worker at once. */
  requestCancel(taskId: string, workerId: string | null): Promise<void>;
  /** Of these ids, the ones with a cancel mark. */
  findCancelled(taskIds: readonly string[]): Promise<Set<string>>;
  /** Calls `handler` with each task id cancelled on this worker's channel. */
  subscribeCancels(workerId: string, handler: (taskId: string) => void): Promise<Unsubscribe>;
}

/** Events across processes (`task:events`, docs/design.md#events-and-hooks). In one process it may do nothing. */
export interface EventBridge {
  publish(events: readonly WireEvent[]): Promise<void>;
  subscribe(handler: (event: WireEvent) => void): Promise<Unsubscribe>;
  /**
   * Whether any process (or outside consumer) listens: when false, publishing can be skipped.
   * Cheap and synchronous (a cached answer); absent means always.
   */
  interested?(): boolean;
}

export interface CoordinationPort {
  readonly leader: LeaderElection;
  readonly workers: WorkerRegistry;
  readonly cancels: CancelSignals;
  readonly events: EventBridge;
  /** Cluster-wide rate-limit windows (task types' dispatch limits, the API's request limit). */
  readonly rateLimits: RateLimiter;
  ping(): Promise<void>;
}
