/**
 * The code of one handler thread: imports handler modules (each once per thread), runs one
 * task at a time, and reports progress, log lines and the outcome to the worker. Killing the
 * thread is how a run is stopped (timeout, cancel), so nothing here needs to watch for that.
 */
import { parentPort } from 'node:worker_threads';
import type { HandlerTaskInfo, RunRequest, SerializedError, ThreadMessage } from './protocol.ts';

/** The second argument of a handler. */
export interface ProcessHandlerContext extends HandlerTaskInfo {
  progress(percent: number, message?: string): void;
  log(message: string, detail?: string): void;
}

export type ProcessHandler = (payload: RunRequest['payload'], ctx: ProcessHandlerContext) => unknown;

const port = parentPort;
if (!port) throw new Error('handler-thread.ts runs inside a worker thread only');
const send = (message: ThreadMessage) => port.postMessage(message);
const modules = new Map<string, Promise<Record<string, unknown>>>();

class UnusableHandlerError extends Error {}

async function loadHandler(request: RunRequest): Promise<ProcessHandler> {
  let loading = modules.get(request.moduleUrl);
  if (!loading) {
    loading = import(request.moduleUrl) as Promise<Record<string, unknown>>;
    modules.set(request.moduleUrl, loading);
  }
  let module: Record<string, unknown>;
  try {
    module = await loading;
  } catch (error) {
    modules.delete(request.moduleUrl);
    throw new UnusableHandlerError(`cannot load handler module ${request.moduleUrl}: ${(error as Error).message}`, {
      cause: error,
    });
  }
  const handler = module[request.exportName];
  if (typeof handler !== 'function') {
    throw new UnusableHandlerError(
      `handler module ${request.moduleUrl} has no function export "${request.exportName}"`,
    );
  }
  return handler as ProcessHandler;
}

function serialize(error: unknown): SerializedError {
  if (error instanceof Error) {
    return {
      name: error.name,
      message: error.message,
      ...(error.stack ? { stack: error.stack } : {}),
      retryable: (error as { retryable?: unknown }).retryable !== false && !(error instanceof UnusableHandlerError),
      ...(error instanceof UnusableHandlerError ? { unusableHandler: true } : {}),
    };
  }
  return { name: 'Error', message: String(error), retryable: true };
}

/** The result as the task will store it: JSON only (functions, undefined and the like dropped). */
function asJson(value: unknown): RunRequest['payload'] | null {
  if (value === undefined) return null;
  return JSON.parse(JSON.stringify(value)) as RunRequest['payload'] | null;
}

async function run(request: RunRequest): Promise<void> {
  const { runId } = request;
  const ctx: ProcessHandlerContext = {
    ...request.task,
    progress: (percent, message) =>
      send({ kind: 'progress', runId, percent, ...(message !== undefined ? { message: String(message) } : {}) }),
    log: (message, detail) =>
      send({
        kind: 'log',
        runId,
        message: String(message),
        ...(detail !== undefined ? { detail: String(detail) } : {}),
      }),
  };
  try {
    const handler = await loadHandler(request);
    const result = await handler(request.payload, ctx);
    send({ kind: 'done', runId, result: asJson(result) });
  } catch (error) {
    send({ kind: 'failed', runId, error: serialize(error) });
  }
}

port.on('message', (request: RunRequest) => {
  if (request.kind === 'run') void run(request);
});
