/**
 * Callers parked until a wake-up message, a timeout or their signal aborts. Every way out
 * clears the timer and the abort listener, so nothing outlives `close()`.
 */
export class WakeList {
  private readonly waiters = new Set<() => void>();
  private closed = false;

  wait(timeoutMs: number, signal?: AbortSignal): Promise<void> {
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
    for (const finish of [...this.waiters]) finish();
  }

  /** Wakes everyone; later waits return at once. */
  close(): void {
    this.closed = true;
    this.wakeAll();
  }

  /** Re-opens after a stop, for a plugin started again. */
  open(): void {
    this.closed = false;
  }
}
