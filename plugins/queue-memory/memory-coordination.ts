import { MemoryRateLimiter } from './memory-rate-limiter.ts';
import { WakeList, WorkerStatus } from '../../core/index.ts';
import type {
  CancelSignals,
  Clock,
  CoordinationPort,
  EventBridge,
  LeaderElection,
  Unsubscribe,
  WireEvent,
  WorkerInfo,
  WorkerRegistry,
} from '../../core/index.ts';

/** Where a subscriber's exception goes: a bad handler must not break the publisher. */
export type HandlerErrorReporter = (error: unknown, where: string) => void;

/** Calls `handler` on a fresh microtask, like a message arriving, so publishers never re-enter. */
function deliver<T>(handler: (value: T) => void, value: T, where: string, report: HandlerErrorReporter): void {
  queueMicrotask(() => {
    try {
      handler(value);
    } catch (error) {
      report(error, where);
    }
  });
}

class MemoryLeaderElection implements LeaderElection {
  private holder: { id: string; expiresAtMs: number } | null = null;
  readonly vacancy = new WakeList();

  constructor(private readonly clock: Clock) {}

  private liveHolder(): string | null {
    if (this.holder && this.holder.expiresAtMs <= this.clock.now().getTime()) this.holder = null;
    return this.holder?.id ?? null;
  }

  async tryAcquire(candidateId: string, ttlMs: number): Promise<boolean> {
    const current = this.liveHolder();
    if (current !== null && current !== candidateId) return false;
    this.holder = { id: candidateId, expiresAtMs: this.clock.now().getTime() + ttlMs };
    return true;
  }

  async renew(candidateId: string, ttlMs: number): Promise<boolean> {
    if (this.liveHolder() !== candidateId) return false;
    this.holder = { id: candidateId, expiresAtMs: this.clock.now().getTime() + ttlMs };
    return true;
  }

  async release(candidateId: string): Promise<void> {
    if (this.liveHolder() !== candidateId) return;
    this.holder = null;
    this.vacancy.wakeAll();
  }

  async currentLeader(): Promise<string | null> {
    return this.liveHolder();
  }

  /** The live holder, read synchronously (the queue's fence). */
  holderNow(): string | null {
    return this.liveHolder();
  }

  waitForVacancy(timeoutMs: number, signal?: AbortSignal): Promise<void> {
    return this.vacancy.wait(timeoutMs, signal);
  }
}

class MemoryWorkerRegistry implements WorkerRegistry {
  private readonly entries = new Map<string, { info: WorkerInfo; expiresAtMs: number }>();

  constructor(private readonly clock: Clock) {}

  async register(worker: WorkerInfo, ttlMs: number): Promise<void> {
    const now = this.clock.now();
    this.entries.set(worker.workerId, {
      info: { ...worker, status: WorkerStatus.ONLINE, updatedAt: now, createdAt: worker.createdAt ?? now },
      expiresAtMs: now.getTime() + ttlMs,
    });
  }

  async heartbeat(workerId: string, load: number, at: Date, ttlMs: number): Promise<boolean> {
    const entry = this.entries.get(workerId);
    const now = this.clock.now();
    // An expired entry is gone, as a Redis key past its TTL would be: the worker must register again.
    if (!entry || entry.expiresAtMs <= now.getTime()) return false;
    entry.info = { ...entry.info, currentLoad: load, lastHeartbeat: at, updatedAt: now };
    entry.expiresAtMs = now.getTime() + ttlMs;
    return true;
  }

  async listWorkers(): Promise<WorkerInfo[]> {
    const nowMs = this.clock.now().getTime();
    return [...this.entries.values()].map(({ info, expiresAtMs }) =>
      expiresAtMs <= nowMs ? { ...info, status: WorkerStatus.OFFLINE } : { ...info },
    );
  }

  async removeWorker(workerId: string): Promise<void> {
    this.entries.delete(workerId);
  }

  /** Listed at all (an expired entry still counts until removed, like the Redis `workers` set). */
  isRegistered(workerId: string): boolean {
    return this.entries.has(workerId);
  }
}

/** Cancel marks with a TTL, plus per-worker channels. The queue reads the marks in `dispatch`. */
export class MemoryCancelSignals implements CancelSignals {
  private readonly marks = new Map<string, number>();
  /** Expired marks are swept when the map doubles, so it stays bounded without a timer. */
  private sweepAtSize = 1024;
  private readonly channels = new Map<string, Set<(taskId: string) => void>>();

  constructor(
    private readonly clock: Clock,
    private readonly markTtlMs: number,
    private readonly report: HandlerErrorReporter,
  ) {}

  isMarked(taskId: string): boolean {
    const expiresAtMs = this.marks.get(taskId);
    if (expiresAtMs === undefined) return false;
    if (expiresAtMs > this.clock.now().getTime()) return true;
    this.marks.delete(taskId);
    return false;
  }

  async requestCancel(taskId: string, workerId: string | null): Promise<void> {
    const nowMs = this.clock.now().getTime();
    this.marks.set(taskId, nowMs + this.markTtlMs);
    if (this.marks.size >= this.sweepAtSize) this.sweepExpired(nowMs);
    if (workerId === null) return;
    for (const handler of this.channels.get(workerId) ?? [])
      deliver(handler, taskId, `cancel:${workerId}`, this.report);
  }

  async findCancelled(taskIds: readonly string[]): Promise<Set<string>> {
    return new Set(taskIds.filter((id) => this.isMarked(id)));
  }

  async subscribeCancels(workerId: string, handler: (taskId: string) => void): Promise<Unsubscribe> {
    let handlers = this.channels.get(workerId);
    if (!handlers) this.channels.set(workerId, (handlers = new Set()));
    // Wrap so subscribing the same function twice gives two independent subscriptions.
    const subscription = (taskId: string) => handler(taskId);
    handlers.add(subscription);
    return async () => {
      handlers.delete(subscription);
      if (handlers.size === 0 && this.channels.get(workerId) === handlers) this.channels.delete(workerId);
    };
  }

  private sweepExpired(nowMs: number): void {
    for (const [id, expiresAtMs] of this.marks) if (expiresAtMs <= nowMs) this.marks.delete(id);
    this.sweepAtSize = Math.max(1024, this.marks.size * 2);
  }

  clearChannels(): void {
    this.channels.clear();
  }
}

/** One process: publishing just hands the events to this process's subscribers. */
class MemoryEventBridge implements EventBridge {
  private readonly handlers = new Set<(event: WireEvent) => void>();

  constructor(private readonly report: HandlerErrorReporter) {}

  interested(): boolean {
    return this.handlers.size > 0;
  }

  async publish(events: readonly WireEvent[]): Promise<void> {
    for (const event of events) {
      for (const handler of this.handlers) deliver(handler, event, 'events', this.report);
    }
  }

  async subscribe(handler: (event: WireEvent) => void): Promise<Unsubscribe> {
    const subscription = (event: WireEvent) => handler(event);
    this.handlers.add(subscription);
    return async () => {
      this.handlers.delete(subscription);
    };
  }

  clear(): void {
    this.handlers.clear();
  }
}

export interface MemoryCoordinationOptions {
  /** How long a cancel mark lives; one hour by default, as on Redis. */
  cancelMarkTtlMs: number;
  onHandlerError: HandlerErrorReporter;
}

export class MemoryCoordination implements CoordinationPort {
  readonly leader: MemoryLeaderElection;
  readonly workers: MemoryWorkerRegistry;
  readonly cancels: MemoryCancelSignals;
  readonly events: MemoryEventBridge;
  readonly rateLimits: MemoryRateLimiter;

  constructor(clock: Clock, options: MemoryCoordinationOptions) {
    this.rateLimits = new MemoryRateLimiter(clock);
    this.leader = new MemoryLeaderElection(clock);
    this.workers = new MemoryWorkerRegistry(clock);
    this.cancels = new MemoryCancelSignals(clock, options.cancelMarkTtlMs, options.onHandlerError);
    this.events = new MemoryEventBridge(options.onHandlerError);
  }

  async ping(): Promise<void> {}

  /** Wakes followers waiting for the lock and drops every subscription. */
  close(): void {
    this.leader.vacancy.close();
    this.cancels.clearChannels();
    this.events.clear();
  }
}
