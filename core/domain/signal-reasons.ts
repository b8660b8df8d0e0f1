/**
 * Why a task's AbortSignal fired: `signal.reason` is one of these, so an executor (and the
 * worker) can tell a timeout from a cancel from a worker shutting down.
 */
export class TimeoutSignalReason extends Error {
  constructor(readonly timeoutSeconds: number) {
    super(`Task execution timeout after ${timeoutSeconds}s`);
    this.name = 'TimeoutSignalReason';
  }
}

export class CancelSignalReason extends Error {
  constructor() {
    super('Task cancelled');
    this.name = 'CancelSignalReason';
  }
}

export class ShutdownSignalReason extends Error {
  constructor() {
    super('Worker shutting down');
    this.name = 'ShutdownSignalReason';
  }
}
