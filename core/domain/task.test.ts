import { describe, expect, it } from 'vitest';
import { canAutoRetry, isPastDeadline, type Task } from './task.ts';

describe('tasks', () => {
  it('canAutoRetry while retry_count < max_retry', () => {
    expect(canAutoRetry({ retryCount: 0, maxRetry: 3 })).toBe(true);
    expect(canAutoRetry({ retryCount: 2, maxRetry: 3 })).toBe(true);
    expect(canAutoRetry({ retryCount: 3, maxRetry: 3 })).toBe(false);
    expect(canAutoRetry({ retryCount: 0, maxRetry: 0 })).toBe(false);
  });

  it('isPastDeadline: PROCESSING only, strictly after started_at + timeout', () => {
    const task = {
      status: 'PROCESSING',
      startedAt: new Date(1_000),
      timeout: 10,
    } as Task;
    expect(isPastDeadline(task, new Date(11_000))).toBe(false);
    expect(isPastDeadline(task, new Date(11_001))).toBe(true);
    expect(isPastDeadline({ ...task, status: 'PENDING' }, new Date(99_000))).toBe(false);
    expect(isPastDeadline({ ...task, startedAt: null }, new Date(99_000))).toBe(false);
  });
});
