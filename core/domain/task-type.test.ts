import { describe, expect, it } from 'vitest';
import { computeRetryDelayMs } from './task-type.ts';

describe('computeRetryDelayMs (docs/design.md#retry-policy)', () => {
  const fixed = { retryStrategy: 'FIXED', retryDelay: 10, backoffRate: 2 } as const;
  const exponential = { retryStrategy: 'EXPONENTIAL', retryDelay: 10, backoffRate: 2 } as const;

  it('FIXED waits retry_delay whatever the count', () => {
    expect([1, 2, 3, 10].map((n) => computeRetryDelayMs(fixed, n))).toEqual([10_000, 10_000, 10_000, 10_000]);
  });

  it('EXPONENTIAL waits retry_delay × rate^retry_count: 20 s, 40 s, 80 s', () => {
    expect([1, 2, 3].map((n) => computeRetryDelayMs(exponential, n))).toEqual([20_000, 40_000, 80_000]);
  });

  it('jitter stays within ±jitter of the base, at the extremes of random', () => {
    const jittered = { ...exponential, retryJitter: 0.2 };
    expect(computeRetryDelayMs(jittered, 1, () => 0)).toBe(16_000);
    expect(computeRetryDelayMs(jittered, 1, () => 1)).toBe(24_000);
    expect(computeRetryDelayMs(jittered, 1, () => 0.5)).toBe(20_000);
    expect(computeRetryDelayMs({ ...fixed, retryJitter: 0.5 }, 1, () => 0)).toBe(5_000);
  });

  it('without jitter ignores random', () => {
    expect(computeRetryDelayMs(exponential, 1, () => 0)).toBe(20_000);
    expect(computeRetryDelayMs({ ...exponential, retryJitter: 0 }, 2, () => 1)).toBe(40_000);
  });
});
