import { getConnInfo } from '@hono/node-server/conninfo';
import type { Context, MiddlewareHandler } from 'hono';
import { ErrorCode, type RateLimiter } from '../../core/index.ts';
import { sendError } from './envelope.ts';
import { API_PREFIX } from './routes/shared.ts';

export interface ApiRateLimitOptions {
  /** Requests per window per client; 0 turns the limit off. */
  max: number;
  windowMs: number;
}

/**
 * The API's request limit (http.rateLimitMax per http.rateLimitWindow): counted per API key
 * when keys are configured, else per client address, in the coordination port's windows, so
 * every API process of the cluster counts against the same window. Past it: 429, code 42901,
 * with Retry-After in whole seconds.
 */
export function apiRateLimit(limiter: RateLimiter, options: ApiRateLimitOptions): MiddlewareHandler {
  return async (c, next) => {
    if (!c.req.path.startsWith(`${API_PREFIX}/`)) return next();
    const { granted, retryAfterMs } = await limiter.take(`api:${clientOf(c)}`, 1, options.max, options.windowMs);
    if (granted > 0) return next();
    const seconds = Math.max(1, Math.ceil(retryAfterMs / 1000));
    c.header('Retry-After', String(seconds));
    return sendError(c, 429, ErrorCode.RATE_LIMITED, `rate limit exceeded: retry after ${seconds}s`, {
      retry_after: seconds,
    });
  };
}

function clientOf(c: Context): string {
  const apiKey = c.get('apiKey') as string | undefined;
  if (apiKey) return `key:${apiKey}`;
  try {
    return `ip:${getConnInfo(c).remote.address ?? 'unknown'}`;
  } catch {
    // Not served by the Node server (app.request() in tests, another adapter): one shared bucket.
    return 'ip:unknown';
  }
}
