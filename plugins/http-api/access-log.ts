import type { MiddlewareHandler } from 'hono';
import type { Logger } from '../../core/index.ts';

/** One debug line per request, pino style (object first), carrying the request id. */
export function accessLog(logger: Logger): MiddlewareHandler {
  return async (c, next) => {
    const started = performance.now();
    await next();
    logger.debug(
      {
        req_id: c.get('requestId'),
        method: c.req.method,
        path: c.req.path,
        status: c.res.status,
        // The key's name when keys are on (never the key).
        ...(c.get('apiKey') ? { api_key: c.get('apiKey') } : {}),
        duration_ms: Math.round((performance.now() - started) * 100) / 100,
      },
      'http request',
    );
  };
}
