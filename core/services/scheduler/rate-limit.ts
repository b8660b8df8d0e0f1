/** The global dispatch rate (scheduler.maxDispatchRate per second; 0 = none), in one-second windows. */
export class DispatchRateLimit {
  private window = { startedAt: 0, dispatched: 0 };

  constructor(private readonly perSecond: () => number) {}

  /** How many tasks may still be dispatched in the current second. */
  allowance(): number {
    const rate = this.perSecond();
    if (rate <= 0) return Number.POSITIVE_INFINITY;
    const nowMs = Date.now();
    if (nowMs - this.window.startedAt >= 1_000) this.window = { startedAt: nowMs, dispatched: 0 };
    return Math.max(0, rate - this.window.dispatched);
  }

  dispatched(count: number): void {
    this.window.dispatched += count;
  }
}
