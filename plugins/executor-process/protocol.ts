import type { JsonObject, JsonValue } from '../../core/index.ts';

/**
 * The messages between the worker and a handler thread. One run at a time per thread; every
 * message carries its run id so a message from a run that was given up on is recognised.
 */
export interface RunRequest {
  kind: 'run';
  runId: number;
  /** file: URL of the handler module. */
  moduleUrl: string;
  /** The export to call ("default" unless the task type says otherwise). */
  exportName: string;
  payload: JsonObject;
  task: HandlerTaskInfo;
}

/** What a handler learns about its task (the second argument's fields). */
export interface HandlerTaskInfo {
  taskId: string;
  taskType: string;
  retryCount: number;
  maxRetry: number;
  /** Seconds. */
  timeout: number;
  workerId: string;
  executorConfig: JsonObject;
}

export type ThreadMessage =
  | { kind: 'progress'; runId: number; percent: number; message?: string }
  | { kind: 'log'; runId: number; message: string; detail?: string }
  | { kind: 'done'; runId: number; result: JsonValue | null }
  | { kind: 'failed'; runId: number; error: SerializedError };

export interface SerializedError {
  name: string;
  message: string;
  stack?: string;
  /** false for NonRetryableError (or any error carrying `retryable: false`). */
  retryable: boolean;
  /** The module or its export could not be used: retrying cannot help. */
  unusableHandler?: boolean;
}
