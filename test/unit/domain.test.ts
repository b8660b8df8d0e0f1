import { describe, expect, it } from 'vitest';
import {
  ALL_STATUSES,
  assertTransition,
  canAutoRetry,
  canTransition,
  computeRetryDelayMs,
  DependencyUnavailableError,
  ErrorCode,
  InvalidParameterError,
  InvalidStateError,
  isNonRetryable,
  isPastDeadline,
  isWorkerHealthy,
  NonRetryableError,
  PayloadTooLargeError,
  TaskManagerError,
  TaskNotFoundError,
  TaskPriority,
  UnknownTaskTypeError,
  type Task,
  type TaskStatus,
  type WorkerInfo,
} from '../../core/index.ts';

/** SPEC §1.2, written out literally: a change to the table in code must fail here. */
const SPEC_EDGES = `
PENDING    → PROCESSING
PENDING    → CANCELLED
PROCESSING → SUCCESS
PROCESSING → FAILED
PROCESSING → TIMEOUT
PROCESSING → CANCELLED
PROCESSING → PENDING
FAILED     → PENDING
TIMEOUT    → PENDING
`;
const ALLOWED = new Set(
  SPEC_EDGES.trim()
    .split('\n')
    .map((line) => line.split('→').map((s) => s.trim()).join('->')),
);

const allPairs = ALL_STATUSES.flatMap((from) => ALL_STATUSES.map((to) => [from, to] as [TaskStatus, TaskStatus]));

describe('transition table (SPEC §1.2)', () => {
  it('covers six statuses, 36 pairs, 9 allowed edges', () => {
    expect([...ALL_STATUSES].sort()).toEqual(['CANCELLED', 'FAILED', 'PENDING', 'PROCESSING', 'SUCCESS', 'TIMEOUT']);
    expect(allPairs).toHaveLength(36);
    expect(ALLOWED.size).toBe(9);
  });

  it.each(allPairs)('%s → %s is allowed exactly when the spec lists it', (from, to) => {
    const allowed = ALLOWED.has(`${from}->${to}`);
    expect(canTransition(from, to)).toBe(allowed);
    if (allowed) {
      expect(() => assertTransition(from, to)).not.toThrow();
    } else {
      expect(() => assertTransition(from, to)).toThrow(InvalidStateError);
    }
  });

  it('SUCCESS and CANCELLED have no way out', () => {
    for (const to of ALL_STATUSES) {
      expect(canTransition('SUCCESS', to)).toBe(false);
      expect(canTransition('CANCELLED', to)).toBe(false);
    }
  });

  it('assertTransition with via checks both edges of the path', () => {
    expect(() => assertTransition('PROCESSING', 'PENDING', 'FAILED')).not.toThrow();
    expect(() => assertTransition('PROCESSING', 'PENDING', 'TIMEOUT')).not.toThrow();
    // first edge invalid
    expect(() => assertTransition('PENDING', 'PENDING', 'FAILED')).toThrow(InvalidStateError);
    // second edge invalid
    expect(() => assertTransition('PROCESSING', 'PENDING', 'SUCCESS')).toThrow(/SUCCESS → PENDING/);
    expect(() => assertTransition('PROCESSING', 'SUCCESS', 'FAILED')).toThrow(/FAILED → SUCCESS/);
  });

  it('an invalid transition is a 409 with code 40901', () => {
    try {
      assertTransition('SUCCESS', 'PENDING');
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(InvalidStateError);
      expect((error as InvalidStateError).code).toBe(40901);
      expect((error as InvalidStateError).httpStatus).toBe(409);
    }
  });
});

describe('TaskPriority', () => {
  it('accepts 0, 1 and undefined (NORMAL)', () => {
    expect(TaskPriority.of(0)).toBe(TaskPriority.NORMAL);
    expect(TaskPriority.of(1)).toBe(TaskPriority.HIGH);
    expect(TaskPriority.of(undefined)).toBe(TaskPriority.NORMAL);
    expect(TaskPriority.of(1).name).toBe('HIGH');
    expect(TaskPriority.of(0).queueName).toBe('normal');
    expect(TaskPriority.of(1).isHigh).toBe(true);
  });

  it.each([2, -1, '1', 1.5, 7])('rejects %j with InvalidParameterError 40001', (value) => {
    expect(TaskPriority.isValid(value)).toBe(false);
    try {
      TaskPriority.of(value);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(InvalidParameterError);
      expect((error as InvalidParameterError).code).toBe(40001);
      expect((error as InvalidParameterError).httpStatus).toBe(400);
    }
  });
});

describe('computeRetryDelayMs (SPEC §1.3)', () => {
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

describe('workers and tasks', () => {
  const worker = (status: WorkerInfo['status'], lastHeartbeatMs: number): WorkerInfo => ({
    workerId: 'w1',
    workerName: 'w1',
    address: 'h:1',
    status,
    capacity: 4,
    currentLoad: 0,
    supportedTypes: [],
    weight: 1,
    lastHeartbeat: new Date(lastHeartbeatMs),
  });

  it('isWorkerHealthy: a heartbeat exactly at the timeout still counts, one ms later does not', () => {
    const now = new Date(100_000);
    expect(isWorkerHealthy(worker('ONLINE', 70_000), now, 30_000)).toBe(true);
    expect(isWorkerHealthy(worker('ONLINE', 69_999), now, 30_000)).toBe(false);
    expect(isWorkerHealthy(worker('ONLINE', 100_000), now, 30_000)).toBe(true);
    expect(isWorkerHealthy(worker('OFFLINE', 100_000), now, 30_000)).toBe(false);
  });

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

describe('errors', () => {
  it.each([
    [new InvalidParameterError('x'), 40001, 400],
    [new UnknownTaskTypeError('t'), 40002, 400],
    [new UnknownTaskTypeError('t', 'disabled'), 40002, 400],
    [new TaskNotFoundError('id'), 40401, 404],
    [new InvalidStateError('x'), 40901, 409],
    [new PayloadTooLargeError(1024), 41301, 413],
    [new DependencyUnavailableError('redis'), 50301, 503],
  ] as const)('%s carries code %i and HTTP %i', (error, code, http) => {
    expect(error).toBeInstanceOf(TaskManagerError);
    expect(error.code).toBe(code);
    expect(error.httpStatus).toBe(http);
    expect(error.name).toBe(error.constructor.name);
  });

  it('maps every error code to its HTTP status', () => {
    const expected: Record<string, number> = {
      INVALID_PARAMETER: 400,
      UNKNOWN_TASK_TYPE: 400,
      UNAUTHORIZED: 401,
      FORBIDDEN: 403,
      TASK_NOT_FOUND: 404,
      NOT_FOUND: 404,
      INVALID_STATE: 409,
      PAYLOAD_TOO_LARGE: 413,
      RATE_LIMITED: 429,
      INTERNAL: 500,
      DEPENDENCY_UNAVAILABLE: 503,
    };
    expect(Object.keys(ErrorCode).sort()).toEqual(Object.keys(expected).sort());
    for (const [name, code] of Object.entries(ErrorCode)) {
      expect(new TaskManagerError(code, name).httpStatus).toBe(expected[name]);
    }
  });

  it('isNonRetryable recognises NonRetryableError and any error flagged retryable: false', () => {
    expect(isNonRetryable(new NonRetryableError('bad input'))).toBe(true);
    expect(isNonRetryable(Object.assign(new Error('4xx'), { retryable: false }))).toBe(true);
    expect(isNonRetryable({ retryable: false })).toBe(true);
    expect(isNonRetryable(new Error('boom'))).toBe(false);
    expect(isNonRetryable(Object.assign(new Error('5xx'), { retryable: true }))).toBe(false);
    expect(isNonRetryable(null)).toBe(false);
    expect(isNonRetryable('string')).toBe(false);
  });
});
