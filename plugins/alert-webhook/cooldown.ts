/** Above this many remembered keys, expired ones are swept (task ids make many keys). */
const SWEEP_AT = 10_000;

/**
 * De-duplication: an alert key is let through at most once per cool-down. A duplicate event
 * (the same task reported twice) or a condition that flaps is sent once.
 */
export class Cooldown {
  private readonly lastSent = new Map<string, number>();

  constructor(private readonly periodMs: number) {}

  /** true (and remembered) when `key` was not let through within the cool-down. */
  admit(key: string, nowMs: number): boolean {
    const last = this.lastSent.get(key);
    if (last !== undefined && nowMs - last < this.periodMs) return false;
    if (this.lastSent.size >= SWEEP_AT) this.sweep(nowMs);
    this.lastSent.set(key, nowMs);
    return true;
  }

  private sweep(nowMs: number): void {
    for (const [key, at] of this.lastSent) if (nowMs - at >= this.periodMs) this.lastSent.delete(key);
  }
}
