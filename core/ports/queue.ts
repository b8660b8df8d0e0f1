import type { PriorityValue } from '../domain/priority.ts';

export interface QueueEntry {
  taskId: string;
  priority: PriorityValue;
}

export interface DelayedEntry extends QueueEntry {
  dueAt: Date;
}

export interface DispatchResult {
  dispatched: string[];
  /** Dropped because of a cancel mark. */
  cancelled: string[];
  /** Not moved because the worker is not registered; still in the claimed list. */
  refused: string[];
}

/** A worker as the leader sees it when claiming: how many ids it may hold (queued + processing). */
export interface WorkerRoom {
  workerId: string;
  maxLoad: number;
}

export interface ClaimedForWorkers {
  /** Per worker: ids queued for it plus ids it has taken and not acked, before this claim. */
  loads: Map<string, number>;
  claimed: QueueEntry[];
}

export interface QueueLengths {
  high: number;
  normal: number;
  delayed: number;
  /** Claimed by the leader, not yet dispatched. */
  claimed: number;
  /** Per worker: ids waiting in its queue and ids it has taken and not acked. */
  workers: Record<string, { queued: number; processing: number }>;
}

/** Producers (task creation, retries, recovery): ids into the ready queues or the delayed set. */
export interface ProducerQueue {
  /** Append to the tail of the entry's priority queue (FIFO within a priority). */
  enqueue(entries: readonly QueueEntry[]): Promise<void>;
  /** Park entries until `dueAt` (delayed tasks and retries). */
  schedule(entries: readonly DelayedEntry[]): Promise<void>;
}

/** The leader (the scheduler of the elected process): claim, dispatch, promote, reconcile. */
export interface LeaderQueue {
  /** Move delayed entries due at `now` to the tail of their ready queue; returns how many moved. */
  promoteDue(now: Date, limit: number): Promise<number>;
  /**
   * Read the workers' loads and move up to min(`limit`, their total room) entries from the heads
   * of the ready queues, HIGH first, into the claimed list, in one atomic step (one round trip
   * on Redis), where a worker's room is max(0, maxLoad − load). Claims nothing when every
   * worker is full (or none is given).
   */
  claimFor(workers: readonly WorkerRoom[], limit: number): Promise<ClaimedForWorkers>;
  /** Put claimed entries back at the head of their queue, keeping their order. */
  unclaim(entries: readonly QueueEntry[]): Promise<void>;
  /** Forget claimed entries that will not run (no longer PENDING, unknown). */
  discardClaimed(taskIds: readonly string[]): Promise<void>;
  /** The whole claimed list, e.g. what a previous leader left when it died. */
  listClaimed(): Promise<QueueEntry[]>;
  /**
   * Atomically move claimed ids to the tail of the worker's queue, skipping and dropping any
   * that carry a cancel mark. When the worker is not in the registry (it left, or was removed
   * as dead) nothing moves: every id is returned as `refused` and stays in the claimed list,
   * so no task is queued for a worker that will never take it.
   */
  dispatch(workerId: string, taskIds: readonly string[]): Promise<DispatchResult>;
  /** Reconciliation: of these ids, the ones in no ready queue, delayed set or claimed list. */
  findUnqueued(taskIds: readonly string[]): Promise<string[]>;
  /**
   * Resolves when work may be ready for the leader (an enqueue, a promotion, an ack that
   * frees capacity) or after `timeoutMs`, whichever is first; at once if `signal` aborts.
   * `unclaim` does not wake it: the leader just failed to place those entries, and waking
   * on them would make it spin while, say, a task type is at its max_concurrent.
   */
  waitForWork(timeoutMs: number, signal?: AbortSignal): Promise<void>;
}

/** A worker's own queue and processing list. */
export interface WorkerQueue {
  /**
   * Remove `ackIds` (finished) from the worker's processing list, then move up to `max` ids
   * from the head of its queue into that list, the ack and the first, non-blocking move being
   * one atomic step (one round trip on Redis): a worker refills in the same call that reports
   * what it finished. When the queue is empty, waits up to `waitMs` for work (no busy
   * polling); returns [] on timeout or when `signal` aborts.
   */
  ackAndTake(
    workerId: string,
    ackIds: readonly string[],
    max: number,
    waitMs?: number,
    signal?: AbortSignal,
  ): Promise<string[]>;
  /** Remove finished ids from the worker's processing list (acks no take carried). */
  ack(workerId: string, taskIds: readonly string[]): Promise<void>;
  /**
   * The ids in the worker's processing list (taken, not acked). A worker compares them with
   * what it holds, to pick up ids a take moved but whose answer was lost (a connection that dropped).
   */
  processingIds(workerId: string): Promise<string[]>;
  /**
   * Empty a worker's queue and processing list; returns the ids they held. Called by the
   * worker on a graceful stop, and by the leader when it recovers a dead worker.
   */
  drainWorker(workerId: string): Promise<string[]>;
}

/** Read-only views for the API, metrics, alerts and readiness. */
export interface QueueInspection {
  /** Tasks in flight per worker: queued + processing. Unknown workers count 0. */
  workerLoads(workerIds: readonly string[]): Promise<Map<string, number>>;
  lengths(): Promise<QueueLengths>;
  /** Cheap round-trip for /readyz; throws when unreachable. */
  ping(): Promise<void>;
}

/**
 * The queue port (docs/design.md#queues-and-redis-keys). It holds task ids only; task state
 * lives in storage. Its methods are grouped by who calls them; a service depends on the group
 * it uses.
 *
 * An id popped from a ready queue is never only in a process's memory: `claimFor` moves it
 * into the leader's claimed list, `dispatch` into a worker queue, `ackAndTake` into that
 * worker's processing list, and only an ack / `discardClaimed` / `drainWorker` let it go. Each
 * of these moves is atomic. Duplicates are harmless: every status change is guarded in storage.
 *
 * The plugin that provides `queue` also provides `coordination`: `dispatch` honours the
 * cancel marks of `CancelSignals`.
 */
export interface TaskQueue extends ProducerQueue, LeaderQueue, WorkerQueue, QueueInspection {}
