import { describe, expect, it } from 'vitest';
import {
  DependencyUnavailableError,
  ErrorCode,
  InvalidParameterError,
  InvalidStateError,
  isNonRetryable,
  NonRetryableError,
  PayloadTooLargeError,
  TaskManagerError,
  TaskNotFoundError,
  UnknownTaskTypeError,
} from './errors.ts';

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
