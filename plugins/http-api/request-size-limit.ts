import type { MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { ErrorCode } from '../../core/index.ts';
import { sendError } from './envelope.ts';

/**
 * Bodies above `maxBytes` are refused with 413 / 41301. A request that declares its length
 * (nearly all) is judged by its Content-Length header alone: reading `c.req.raw.body`, as
 * hono's bodyLimit does, makes @hono/node-server build a full WHATWG Request with a stream and
 * an AbortController for every request, a large share of the cost of a small POST. A chunked
 * body, with no length known up front, goes through bodyLimit, which counts as it reads.
 */
export function requestSizeLimit(maxBytes: number): MiddlewareHandler {
  const tooLarge: Parameters<typeof bodyLimit>[0]['onError'] = (c) =>
    sendError(c, 413, ErrorCode.PAYLOAD_TOO_LARGE, `request body exceeds ${maxBytes} bytes`, { limit_bytes: maxBytes });
  const streamed = bodyLimit({ maxSize: maxBytes, onError: tooLarge });
  return async (c, next) => {
    const declared = c.req.header('content-length');
    if (declared !== undefined && c.req.header('transfer-encoding') === undefined) {
      return Number(declared) > maxBytes ? tooLarge(c) : next();
    }
    const method = c.req.method;
    if (method === 'GET' || method === 'HEAD') return next();
    return streamed(c, next);
  };
}
