/**
 * Coded errors. Each carries the API code and HTTP status of docs/api.md#error-codes so the HTTP edge maps
 * them in one place; services and plugins only throw.
 */
export const ErrorCode = {
  INVALID_PARAMETER: 40001,
  UNKNOWN_TASK_TYPE: 40002,
  UNAUTHORIZED: 40101,
  TASK_NOT_FOUND: 40401,
  NOT_FOUND: 40402,
  INVALID_STATE: 40901,
  PAYLOAD_TOO_LARGE: 41301,
  RATE_LIMITED: 42901,
  INTERNAL: 50001,
  DEPENDENCY_UNAVAILABLE: 50301,
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

const HTTP_STATUS: Record<ErrorCode, number> = {
  40001: 400,
  40002: 400,
  40101: 401,
  40401: 404,
  40402: 404,
  40901: 409,
  41301: 413,
  42901: 429,
  50001: 500,
  50301: 503,
};

export class TaskManagerError extends Error {
  readonly code: ErrorCode;
  readonly details?: unknown;

  constructor(code: ErrorCode, message: string, details?: unknown, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
    this.details = details;
  }

  get httpStatus(): number {
    return HTTP_STATUS[this.code];
  }
}

export class InvalidParameterError extends TaskManagerError {
  constructor(message: string, details?: unknown) {
    super(ErrorCode.INVALID_PARAMETER, message, details);
  }
}

export class UnknownTaskTypeError extends TaskManagerError {
  constructor(taskType: string, reason: 'unknown' | 'disabled' = 'unknown') {
    super(
      ErrorCode.UNKNOWN_TASK_TYPE,
      reason === 'disabled' ? `task type "${taskType}" is disabled` : `unknown task type "${taskType}"`,
      { task_type: taskType },
    );
  }
}

export class TaskNotFoundError extends TaskManagerError {
  constructor(taskId: string) {
    super(ErrorCode.TASK_NOT_FOUND, `task "${taskId}" not found`, { task_id: taskId });
  }
}

export class UnauthorizedError extends TaskManagerError {
  constructor(message: string) {
    super(ErrorCode.UNAUTHORIZED, message);
  }
}

export class InvalidStateError extends TaskManagerError {
  constructor(message: string, details?: unknown) {
    super(ErrorCode.INVALID_STATE, message, details);
  }
}

export class PayloadTooLargeError extends TaskManagerError {
  constructor(limitBytes: number) {
    super(ErrorCode.PAYLOAD_TOO_LARGE, `request body exceeds ${limitBytes} bytes`, { limit_bytes: limitBytes });
  }
}

export class DependencyUnavailableError extends TaskManagerError {
  constructor(dependency: string, cause?: unknown) {
    super(ErrorCode.DEPENDENCY_UNAVAILABLE, `${dependency} is unavailable`, { dependency }, { cause });
  }
}

/**
 * Thrown by an executor when retrying cannot help (bad input, a 4xx answer):
 * the task goes FAILED at once, whatever retries it has left.
 */
export class NonRetryableError extends Error {
  readonly retryable = false;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'NonRetryableError';
  }
}

export function isNonRetryable(error: unknown): boolean {
  return (
    error instanceof NonRetryableError ||
    (typeof error === 'object' && error !== null && (error as { retryable?: unknown }).retryable === false)
  );
}
