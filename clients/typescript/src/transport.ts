import { TaskManagerError } from './errors.ts';
import type { ErrorBody } from './types.ts';

export interface TransportOptions {
  baseUrl: string;
  apiKey?: string;
  /** Per attempt, milliseconds. */
  timeoutMs: number;
  /** Extra attempts of a retryable call after a 503 or a network error. */
  maxRetries: number;
  /** First backoff, milliseconds; doubled per attempt, with jitter. */
  retryBaseMs: number;
  fetch: typeof fetch;
}

export interface RequestSpec {
  method: 'GET' | 'POST' | 'DELETE';
  path: string;
  query?: Record<string, string | number | undefined>;
  body?: unknown;
  /** GETs, and creates that carry an idempotency key: sending twice does no harm. */
  retryable: boolean;
  signal?: AbortSignal;
}

interface Envelope<T> {
  code: number;
  message: string;
  data: T;
}

const MAX_BACKOFF_MS = 5_000;

/** fetch + the envelope: resolves with `data`, throws TaskManagerError with the product's code. */
export class Transport {
  constructor(private readonly options: TransportOptions) {}

  url(path: string, query?: RequestSpec['query']): string {
    const url = new URL(this.options.baseUrl.replace(/\/+$/, '') + path);
    for (const [key, value] of Object.entries(query ?? {}))
      if (value !== undefined) url.searchParams.set(key, String(value));
    return url.toString();
  }

  headers(extra: Record<string, string> = {}): Record<string, string> {
    const headers: Record<string, string> = { accept: 'application/json', ...extra };
    if (this.options.apiKey) headers.authorization = `Bearer ${this.options.apiKey}`;
    return headers;
  }

  async request<T>(spec: RequestSpec): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      const canRetry = spec.retryable && attempt < this.options.maxRetries;
      let response: Response;
      try {
        response = await this.send(spec);
      } catch (error) {
        if (spec.signal?.aborted) throw spec.signal.reason;
        if (canRetry) {
          await sleep(this.backoff(attempt), spec.signal);
          continue;
        }
        throw new TaskManagerError(0, 0, `${spec.method} ${spec.path} failed: ${(error as Error).message}`, {
          cause: String(error),
        });
      }
      if (response.status === 503 && canRetry) {
        await response.body?.cancel();
        await sleep(retryAfterMs(response) ?? this.backoff(attempt), spec.signal);
        continue;
      }
      return readEnvelope<T>(response);
    }
  }

  /** The configured fetch, for calls outside the envelope (the event stream). */
  fetch(url: string, init: RequestInit): Promise<Response> {
    return this.options.fetch(url, init);
  }

  private send(spec: RequestSpec): Promise<Response> {
    const timeout = AbortSignal.timeout(this.options.timeoutMs);
    const signal = spec.signal ? AbortSignal.any([spec.signal, timeout]) : timeout;
    const init: RequestInit = {
      method: spec.method,
      headers: this.headers(spec.body === undefined ? {} : { 'content-type': 'application/json' }),
      signal,
    };
    if (spec.body !== undefined) init.body = JSON.stringify(spec.body);
    return this.options.fetch(this.url(spec.path, spec.query), init);
  }

  private backoff(attempt: number): number {
    const ceiling = Math.min(MAX_BACKOFF_MS, this.options.retryBaseMs * 2 ** attempt);
    return ceiling / 2 + Math.random() * (ceiling / 2);
  }
}

async function readEnvelope<T>(response: Response): Promise<T> {
  const text = await response.text();
  let body: Partial<Envelope<T>> & Partial<ErrorBody> = {};
  try {
    body = text ? (JSON.parse(text) as typeof body) : {};
  } catch {
    // Not our JSON (a proxy's error page): reported below with the HTTP status.
  }
  if (response.ok && body.code === 0) return body.data as T;
  const code = typeof body.code === 'number' && body.code !== 0 ? body.code : response.status >= 500 ? 50001 : 40001;
  const message = typeof body.message === 'string' ? body.message : `HTTP ${response.status}: ${text.slice(0, 200)}`;
  throw new TaskManagerError(code, response.status, message, body.details);
}

function retryAfterMs(response: Response): number | undefined {
  const seconds = Number(response.headers.get('retry-after'));
  return Number.isFinite(seconds) && seconds > 0 ? Math.min(seconds * 1000, MAX_BACKOFF_MS) : undefined;
}

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
