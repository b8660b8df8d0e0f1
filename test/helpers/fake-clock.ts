import type { Clock } from '../../core/index.ts';

/** A clock that moves only when told to; starts at a whole second. */
export class FakeClock implements Clock {
  private ms: number;
  constructor(start = Date.UTC(2026, 0, 1, 0, 0, 0)) {
    this.ms = start;
  }
  now(): Date {
    return new Date(this.ms);
  }
  advance(ms: number): void {
    this.ms += ms;
  }
}
