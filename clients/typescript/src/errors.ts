/** An answer with a non-zero code: the product's numeric code, the HTTP status and the message. */
export class TaskManagerError extends Error {
  /** The product's code (40001 invalid parameter, 40401 task not found, 50301 unavailable, …; docs/api.md). */
  readonly code: number;
  /** The HTTP status, or 0 when the server was not reached. */
  readonly status: number;
  readonly details: unknown;

  constructor(code: number, status: number, message: string, details?: unknown) {
    super(message);
    this.name = 'TaskManagerError';
    this.code = code;
    this.status = status;
    this.details = details;
  }
}

/** waitForTask gave up before the task reached a final status. */
export class WaitTimeoutError extends Error {
  readonly taskId: string;
  /** The status last seen. */
  readonly lastStatus: string | undefined;

  constructor(taskId: string, timeoutMs: number, lastStatus: string | undefined) {
    super(`task ${taskId} did not finish within ${timeoutMs} ms (last status: ${lastStatus ?? 'unknown'})`);
    this.name = 'WaitTimeoutError';
    this.taskId = taskId;
    this.lastStatus = lastStatus;
  }
}
