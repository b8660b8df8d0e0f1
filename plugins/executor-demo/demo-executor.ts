import { setTimeout as delay } from 'node:timers/promises';
import {
  NonRetryableError,
  type ExecutionContext,
  type Executor,
  type JsonObject,
  type JsonValue,
  type Task,
} from '../../core/index.ts';

/** Longest `sleep` accepted: a demo task should never pin a worker slot for hours by mistake. */
const MAX_SLEEP_MS = 24 * 60 * 60 * 1000;

function sleepMs(payload: JsonObject): number {
  const ms = payload.ms ?? 0;
  if (typeof ms !== 'number' || !Number.isFinite(ms) || ms < 0 || ms > MAX_SLEEP_MS) {
    throw new NonRetryableError(`payload.ms must be a number of milliseconds between 0 and ${MAX_SLEEP_MS}`);
  }
  return ms;
}

/**
 * Three task types for trying the system out and for tests: `echo` returns its payload,
 * `sleep` waits `payload.ms`, `fail` throws.
 */
export class DemoExecutor implements Executor {
  readonly type = 'demo';
  readonly taskTypes = ['echo', 'sleep', 'fail'] as const;

  async execute(task: Task, ctx: ExecutionContext): Promise<JsonValue> {
    switch (task.taskType) {
      case 'echo':
        return task.payload;
      case 'sleep':
        return this.sleep(sleepMs(task.payload), ctx.signal);
      case 'fail':
        return this.fail(task.payload);
      default:
        throw new NonRetryableError(`the demo executor has no task type "${task.taskType}"`);
    }
  }

  private async sleep(ms: number, signal: AbortSignal): Promise<JsonValue> {
    try {
      // timers/promises clears its timer on abort, so nothing is left running.
      await delay(ms, undefined, { signal });
    } catch (error) {
      if (signal.aborted) throw signal.reason;
      throw error;
    }
    return { slept_ms: ms };
  }

  private fail(payload: JsonObject): never {
    const message = typeof payload.message === 'string' ? payload.message : 'Requested failure';
    if (payload.retryable === false) throw new NonRetryableError(message);
    throw new Error(message);
  }
}
