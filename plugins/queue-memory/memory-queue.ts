import { WakeList } from '../../core/index.ts';
import { performance } from 'node:perf_hooks';
import type {
  ClaimedForWorkers,
  DelayedEntry,
  DispatchResult,
  QueueEntry,
  QueueLengths,
  TaskQueue,
  WorkerRoom,
} from '../../core/index.ts';
import { DelayedSet } from './delayed-set.ts';
import { Deque } from './deque.ts';

/** What the queue needs from the cancel signals it shares state with. */
export interface CancelMarkLookup {
  isMarked(taskId: string): boolean;
}

/** What the queue needs from the worker registry it shares state with. */
export interface WorkerLookup {
  isRegistered(workerId: string): boolean;
}

interface WorkerLists {
  queue: Deque<string>;
  processing: Set<string>;
  /** `take` calls parked on an empty queue, woken by `dispatch`. */
  arrivals: WakeList;
}

/**
 * The queue port in one process. Every method runs to completion without awaiting, so each
 * move between lists is atomic, as the Lua scripts of the Redis queue are.
 */
export class MemoryQueue implements TaskQueue {
  private readonly high = new Deque<QueueEntry>();
  private readonly normal = new Deque<QueueEntry>();
  /** How many times each id sits in a ready queue, so `findUnqueued` is O(1) per id. */
  private readonly readyCount = new Map<string, number>();
  private readonly delayed = new DelayedSet();
  /** Insertion-ordered, so `listClaimed` returns the claim order. */
  private readonly claimed = new Map<string, QueueEntry>();
  private readonly workers = new Map<string, WorkerLists>();
  private readonly work = new WakeList({ latch: true });
  private closed = false;

  constructor(
    private readonly cancelMarks: CancelMarkLookup,
    private readonly registry: WorkerLookup,
  ) {}

  async enqueue(entries: readonly QueueEntry[]): Promise<void> {
    for (const entry of entries) this.pushReady(copy(entry), 'tail');
    if (entries.length > 0) this.work.wakeAll();
  }

  async schedule(entries: readonly DelayedEntry[]): Promise<void> {
    for (const entry of entries) this.delayed.add(entry);
    // The leader may be sleeping until a later due time; let it look again.
    if (entries.length > 0) this.work.wakeAll();
  }

  async promoteDue(now: Date, limit: number): Promise<number> {
    const due = this.delayed.popDue(now.getTime(), limit);
    for (const entry of due) this.pushReady(entry, 'tail');
    if (due.length > 0) this.work.wakeAll();
    return due.length;
  }

  async claimFor(workers: readonly WorkerRoom[], limit: number): Promise<ClaimedForWorkers> {
    const loads = this.loadsOf(workers.map((w) => w.workerId));
    const room = workers.reduce((sum, w) => sum + Math.max(0, w.maxLoad - (loads.get(w.workerId) ?? 0)), 0);
    return { loads, claimed: this.claimUpTo(Math.min(limit, room)) };
  }

  /** Moves up to `limit` entries from the heads of the ready queues, HIGH first, into the claimed list. */
  private claimUpTo(limit: number): QueueEntry[] {
    const out: QueueEntry[] = [];
    for (const queue of [this.high, this.normal]) {
      while (out.length < limit && queue.length > 0) {
        const entry = queue.popFront() as QueueEntry;
        this.countReady(entry.taskId, -1);
        this.claimed.set(entry.taskId, entry);
        out.push(entry);
      }
    }
    return out;
  }

  async unclaim(entries: readonly QueueEntry[]): Promise<void> {
    // Pushing to the head in reverse leaves them at the head in their original order.
    for (let i = entries.length - 1; i >= 0; i--) {
      const entry = entries[i] as QueueEntry;
      this.claimed.delete(entry.taskId);
      this.pushReady(copy(entry), 'head');
    }
    // No wake-up: nobody could take these just now; an ack that frees capacity wakes the leader.
  }

  async discardClaimed(taskIds: readonly string[]): Promise<void> {
    for (const id of taskIds) this.claimed.delete(id);
  }

  async listClaimed(): Promise<QueueEntry[]> {
    return [...this.claimed.values()].map(copy);
  }

  async dispatch(workerId: string, taskIds: readonly string[]): Promise<DispatchResult> {
    if (!this.registry.isRegistered(workerId)) return { dispatched: [], cancelled: [], refused: [...taskIds] };
    const dispatched: string[] = [];
    const cancelled: string[] = [];
    const lists = this.listsOf(workerId);
    for (const id of taskIds) {
      this.claimed.delete(id);
      if (this.cancelMarks.isMarked(id)) {
        cancelled.push(id);
      } else {
        lists.queue.pushBack(id);
        dispatched.push(id);
      }
    }
    if (dispatched.length > 0) lists.arrivals.wakeAll();
    return { dispatched, cancelled, refused: [] };
  }

  async ackAndTake(
    workerId: string,
    ackIds: readonly string[],
    max: number,
    waitMs = 0,
    signal?: AbortSignal,
  ): Promise<string[]> {
    this.removeProcessing(workerId, ackIds);
    if (max <= 0) return [];
    const deadline = performance.now() + waitMs;
    for (;;) {
      const lists = this.listsOf(workerId);
      const taken = moveToProcessing(lists, max);
      if (taken.length > 0 || this.closed || signal?.aborted) return taken;
      const remaining = deadline - performance.now();
      if (remaining <= 0) return [];
      // Another taker may win the race for what a dispatch brought: loop and wait again.
      await lists.arrivals.wait(remaining, signal);
    }
  }

  async ack(workerId: string, taskIds: readonly string[]): Promise<void> {
    this.removeProcessing(workerId, taskIds);
  }

  async processingIds(workerId: string): Promise<string[]> {
    return [...(this.workers.get(workerId)?.processing ?? [])];
  }

  async drainWorker(workerId: string): Promise<string[]> {
    const lists = this.workers.get(workerId);
    if (!lists) return [];
    const ids = [...lists.queue.drain(), ...lists.processing];
    lists.processing.clear();
    if (lists.arrivals.size === 0) this.workers.delete(workerId);
    return ids;
  }

  async findUnqueued(taskIds: readonly string[]): Promise<string[]> {
    return taskIds.filter((id) => !this.readyCount.has(id) && !this.delayed.has(id) && !this.claimed.has(id));
  }

  async workerLoads(workerIds: readonly string[]): Promise<Map<string, number>> {
    return this.loadsOf(workerIds);
  }

  private removeProcessing(workerId: string, taskIds: readonly string[]): void {
    const lists = this.workers.get(workerId);
    if (!lists) return;
    for (const id of taskIds) lists.processing.delete(id);
    // Freed capacity may let the leader dispatch more.
    if (taskIds.length > 0) this.work.wakeAll();
  }

  private loadsOf(workerIds: readonly string[]): Map<string, number> {
    const loads = new Map<string, number>();
    for (const id of workerIds) {
      const lists = this.workers.get(id);
      loads.set(id, lists ? lists.queue.length + lists.processing.size : 0);
    }
    return loads;
  }

  async lengths(): Promise<QueueLengths> {
    const workers: QueueLengths['workers'] = {};
    for (const [id, lists] of this.workers) {
      workers[id] = { queued: lists.queue.length, processing: lists.processing.size };
    }
    return {
      high: this.high.length,
      normal: this.normal.length,
      delayed: this.delayed.size,
      claimed: this.claimed.size,
      workers,
    };
  }

  waitForWork(timeoutMs: number, signal?: AbortSignal): Promise<void> {
    return this.work.wait(timeoutMs, signal);
  }

  async ping(): Promise<void> {}

  /** Releases every parked caller; later waits return at once. */
  close(): void {
    this.closed = true;
    this.work.close();
    for (const lists of this.workers.values()) lists.arrivals.close();
  }

  private pushReady(entry: QueueEntry, end: 'head' | 'tail'): void {
    const queue = entry.priority === 1 ? this.high : this.normal;
    if (end === 'head') queue.pushFront(entry);
    else queue.pushBack(entry);
    this.countReady(entry.taskId, 1);
  }

  private countReady(taskId: string, delta: 1 | -1): void {
    const next = (this.readyCount.get(taskId) ?? 0) + delta;
    if (next > 0) this.readyCount.set(taskId, next);
    else this.readyCount.delete(taskId);
  }

  private listsOf(workerId: string): WorkerLists {
    let lists = this.workers.get(workerId);
    if (!lists) {
      lists = { queue: new Deque<string>(), processing: new Set<string>(), arrivals: new WakeList() };
      if (this.closed) lists.arrivals.close();
      this.workers.set(workerId, lists);
    }
    return lists;
  }
}

function copy(entry: QueueEntry): QueueEntry {
  return { taskId: entry.taskId, priority: entry.priority };
}

function moveToProcessing(lists: WorkerLists, max: number): string[] {
  const taken: string[] = [];
  while (taken.length < max && lists.queue.length > 0) {
    const id = lists.queue.popFront() as string;
    lists.processing.add(id);
    taken.push(id);
  }
  return taken;
}
