import type { Clock, RateGrant, RateLimiter } from '../../core/index.ts';

/** Fixed windows in process memory, with the semantics of the Redis script (rate-limit-take.lua). */
export class MemoryRateLimiter implements RateLimiter {
  private readonly windows = new Map<string, { used: number; endsAtMs: number }>();

  constructor(private readonly clock: Clock) {}

  async take(key: string, wanted: number, max: number, windowMs: number): Promise<RateGrant> {
    const nowMs = this.clock.now().getTime();
    let window = this.windows.get(key);
    if (!window || window.endsAtMs <= nowMs) {
      if (this.windows.size > 10_000) this.sweep(nowMs);
      window = { used: 0, endsAtMs: nowMs + Math.max(1, windowMs) };
      this.windows.set(key, window);
    }
    const granted = Math.max(0, Math.min(wanted, max - window.used));
    window.used += granted;
    return { granted, retryAfterMs: window.endsAtMs - nowMs };
  }

  /** Ended windows go, so per-client keys do not pile up. */
  private sweep(nowMs: number): void {
    for (const [key, window] of this.windows) if (window.endsAtMs <= nowMs) this.windows.delete(key);
  }
}
