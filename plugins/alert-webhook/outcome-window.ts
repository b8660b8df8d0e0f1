/**
 * Finished task attempts over a sliding window, in one-second buckets: O(1) per event and
 * no allocation, since every task's outcome passes through here.
 */
export class OutcomeWindow {
  private readonly seconds: Float64Array;
  private readonly succeeded: Int32Array;
  private readonly failed: Int32Array;

  constructor(windowMs: number) {
    const size = Math.max(1, Math.ceil(windowMs / 1000));
    this.seconds = new Float64Array(size).fill(-Infinity);
    this.succeeded = new Int32Array(size);
    this.failed = new Int32Array(size);
  }

  record(ok: boolean, nowMs: number): void {
    const second = Math.floor(nowMs / 1000);
    const slot = second % this.seconds.length;
    if (this.seconds[slot] !== second) {
      this.seconds[slot] = second;
      this.succeeded[slot] = 0;
      this.failed[slot] = 0;
    }
    if (ok) this.succeeded[slot]!++;
    else this.failed[slot]!++;
  }

  totals(nowMs: number): { succeeded: number; failed: number } {
    const now = Math.floor(nowMs / 1000);
    let succeeded = 0;
    let failed = 0;
    for (let i = 0; i < this.seconds.length; i++) {
      if (now - this.seconds[i]! < this.seconds.length) {
        succeeded += this.succeeded[i]!;
        failed += this.failed[i]!;
      }
    }
    return { succeeded, failed };
  }
}
