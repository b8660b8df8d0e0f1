import {
  NonRetryableError,
  type ExecutionContext,
  type Executor,
  type JsonValue,
  type Task,
} from '../../core/index.ts';
import { fetch, type Agent, type Response } from 'undici';
import { BlockedAddressError } from './address-guard.ts';
import { buildRequestSpec } from './request-spec.ts';
import { excerpt, readResponseBody } from './response-body.ts';

/** 408 Request Timeout and 429 Too Many Requests say "try again later", unlike other 4xx. */
const RETRYABLE_CLIENT_STATUSES = new Set([408, 429]);

export class HttpStatusError extends Error {
  constructor(
    readonly statusCode: number,
    readonly bodyExcerpt: string,
  ) {
    super(`HTTP ${statusCode}${bodyExcerpt ? `: ${bodyExcerpt}` : ''}`);
    this.name = 'HttpStatusError';
  }
}

export class NonRetryableHttpStatusError extends NonRetryableError {
  constructor(
    readonly statusCode: number,
    readonly bodyExcerpt: string,
  ) {
    super(`HTTP ${statusCode}${bodyExcerpt ? `: ${bodyExcerpt}` : ''}`);
  }
}

/**
 * Sends each task as an HTTP request (docs/design.md#executors; options in plugins/executor-http/README.md). 2xx → `{ status_code, body }`;
 * 4xx → non-retryable except 408/429; 5xx and network errors → retryable.
 */
export class HttpExecutor implements Executor {
  readonly type = 'http';

  constructor(
    readonly taskTypes: readonly string[],
    private readonly maxResponseBytes: number,
    /** Connections go through the address guard (see address-guard.ts). */
    private readonly agent: Agent,
  ) {}

  async close(): Promise<void> {
    await this.agent.close();
  }

  async execute(task: Task, ctx: ExecutionContext): Promise<JsonValue> {
    const spec = buildRequestSpec(task.payload, ctx.taskType.executorConfig);
    let response: Response;
    try {
      response = await fetch(spec.url, {
        method: spec.method,
        headers: withTraceParent(spec.headers, ctx.traceParent),
        ...(spec.body !== undefined ? { body: spec.body } : {}),
        signal: ctx.signal,
        dispatcher: this.agent,
      });
    } catch (error) {
      // Surface the worker's reason (timeout, cancel), not fetch's generic AbortError.
      if (ctx.signal.aborted) throw ctx.signal.reason;
      const blocked = blockedCause(error);
      if (blocked) throw blocked;
      throw new Error(`${spec.method} ${spec.url.origin}${spec.url.pathname} failed: ${networkMessage(error)}`, {
        cause: error,
      });
    }

    let body: JsonValue;
    try {
      body = await readResponseBody(response, this.maxResponseBytes);
    } catch (error) {
      if (ctx.signal.aborted) throw ctx.signal.reason;
      throw error;
    }
    const status = response.status;
    if (status >= 200 && status < 300) return { status_code: status, body };
    if (status >= 400 && status < 500 && !RETRYABLE_CLIENT_STATUSES.has(status)) {
      throw new NonRetryableHttpStatusError(status, excerpt(body));
    }
    throw new HttpStatusError(status, excerpt(body));
  }
}

/** fetch wraps connection errors as `cause`: an address the guard refused is final, not retryable. */
function blockedCause(error: unknown): BlockedAddressError | undefined {
  for (let e: unknown = error; e instanceof Error; e = e.cause) if (e instanceof BlockedAddressError) return e;
  return undefined;
}

function networkMessage(error: unknown): string {
  if (error instanceof Error) {
    const cause = error.cause instanceof Error ? ` (${error.cause.message})` : '';
    return `${error.message}${cause}`;
  }
  return String(error);
}

/**
 * While tracing is on, the called service learns the task's trace (its spans become children
 * of `task.execute`), unless the task's own headers already name a traceparent.
 */
function withTraceParent(headers: Record<string, string>, traceParent: string | undefined): Record<string, string> {
  if (traceParent === undefined || Object.keys(headers).some((h) => h.toLowerCase() === 'traceparent')) return headers;
  return { ...headers, traceparent: traceParent };
}
