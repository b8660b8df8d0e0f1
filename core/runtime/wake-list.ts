/**
 * Callers parked until something happens, a timeout passes or their signal aborts: the
 * no-polling wait behind blocking takes, `waitForWork` and `waitForVacancy` in the queue
 * plugins. Every way out clears the timer and removes the abort listener, so nothing leaks
 * and no timer outlives `close()`.
 */
export class WakeList {
  private readonly waiters = new Set<() => void>();
  private closed = false;
  /** A wake-up that found nobody waiting, kept for the next `wait` (latching lists only). */
  private pending = false;

  /**
   * `latch`: a `wakeAll` with nobody waiting is remembered and ends the next `wait` at once.
   * A loop that does work between its waits (the leader's round) then never sleeps through a
   * wake-up that arrived while it was busy.
   */
  constructor(private readonly options: { latch?: boolean } = {}) {}

  get size(): number {
    return this.waiters.size;
  }

  /** Resolves on the next `wakeAll`, after `timeoutMs`, on abort, or at once when closed. */
  wait(timeoutMs: number, signal?: AbortSignal): Promise<void> {
    if (this.pending) {
      this.pending = false;
      return Promise.resolve();
    }
    if (this.closed || signal?.aborted || timeoutMs <= 0) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const finish = () => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', finish);
        this.waiters.delete(finish);
        resolve();
      };
      const timer = setTimeout(finish, timeoutMs);
      signal?.addEventListener('abort', finish, { once: true });
      this.waiters.add(finish);
    });
  }

  wakeAll(): void {
    if (this.waiters.size === 0) {
      if (this.options.latch) this.pending = true;
      return;
    }
    for (const finish of [...this.waiters]) finish();
  }

  /** Wakes everyone; later waits return at once. */
  close(): void {
    this.closed = true;
    this.wakeAll();
  }

  /** Re-opens after `close()`, for a plugin started again. */
  open(): void {
    this.closed = false;
  }
}
