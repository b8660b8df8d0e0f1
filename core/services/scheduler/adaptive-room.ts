import type { WorkerInfo } from '../../domain/worker.ts';
import type { WorkerRoom } from '../../ports/queue.ts';

/** Shortest and longest time a worker's extra tasks may take to run: the prefetch is sized in time. */
const MIN_HORIZON_MS = 10;
const MAX_HORIZON_MS = 250;
/** A completion rate is measured over at least this long, so very frequent rounds do not make it noisy. */
const RATE_WINDOW_MS = 50;
/** Weight of a new rate measurement (exponential moving average). */
const RATE_ALPHA = 0.5;
/** Most extra tasks a worker may hold, as a multiple of its capacity, and in any case. */
const MAX_EXTRA_FACTOR = 16;
const MAX_EXTRA_FLOOR = 256;

interface WorkerRate {
  /** Load (queued + taken, not acked) seen at the last claim, plus what was dispatched since. */
  expected: number;
  /** Completions and time accumulated toward the next rate measurement. */
  windowDone: number;
  windowStart: number;
  /** Completions per millisecond (EWMA). */
  perMs: number;
}

/**
 * How many tasks each worker may hold (running + queued for it), when `scheduler.prefetch` is
 * "auto": its capacity, plus what it completes in about four scheduling rounds, so it never
 * idles while the leader refills it — and no more. The extra is sized in time, not in tasks:
 * a worker finishing 10 000 no-op tasks a second holds a couple of hundred ahead, one running
 * minute-long tasks holds none, so a task handed to a busy worker (or a HIGH task behind
 * prefetched ones) waits at most about one horizon (10–250 ms).
 *
 * Everything is measured at the leader from what it already has: each worker's load read by
 * claimFor, what it dispatched since, and the time its own rounds take.
 */
export class AdaptiveRoom {
  private readonly rates = new Map<string, WorkerRate>();
  private roundMs = 1;

  /** The room per worker for the next claim. */
  rooms(workers: readonly WorkerInfo[]): WorkerRoom[] {
    // Workers that left the registry (a graceful stop) leave their figures behind: drop them.
    if (this.rates.size > 2 * workers.length + 16) {
      const present = new Set(workers.map((w) => w.workerId));
      for (const id of this.rates.keys()) if (!present.has(id)) this.rates.delete(id);
    }
    const horizon = Math.min(MAX_HORIZON_MS, Math.max(MIN_HORIZON_MS, 4 * this.roundMs));
    return workers.map((worker) => {
      const perMs = this.rates.get(worker.workerId)?.perMs ?? 0;
      const cap = Math.max(worker.capacity * MAX_EXTRA_FACTOR, MAX_EXTRA_FLOOR);
      const extra = Math.min(cap, Math.ceil(perMs * horizon));
      return { workerId: worker.workerId, maxLoad: worker.capacity + extra };
    });
  }

  /** The loads claimFor read (before its claim) at `nowMs`: completions since the last one. */
  observe(loads: ReadonlyMap<string, number>, nowMs: number): void {
    for (const [workerId, load] of loads) {
      const rate = this.rates.get(workerId);
      if (!rate) {
        this.rates.set(workerId, { expected: load, windowDone: 0, windowStart: nowMs, perMs: 0 });
        continue;
      }
      rate.windowDone += Math.max(0, rate.expected - load);
      rate.expected = load;
      const elapsed = nowMs - rate.windowStart;
      if (elapsed >= RATE_WINDOW_MS) {
        rate.perMs = RATE_ALPHA * (rate.windowDone / elapsed) + (1 - RATE_ALPHA) * rate.perMs;
        rate.windowDone = 0;
        rate.windowStart = nowMs;
      }
    }
  }

  /** Tasks the leader just handed to a worker: they are in its load from now on. */
  dispatched(workerId: string, count: number): void {
    const rate = this.rates.get(workerId);
    if (rate) rate.expected += count;
  }

  /** How long a scheduling round took (claim to dispatch), to size the horizon. */
  roundTook(ms: number): void {
    this.roundMs = 0.8 * this.roundMs + 0.2 * ms;
  }

  /** A worker that left: its figures go. */
  forget(workerIds: Iterable<string>): void {
    for (const id of workerIds) this.rates.delete(id);
  }
}
