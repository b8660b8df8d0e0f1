import type { MiddlewareHandler } from 'hono';
import { ApiKeyCheck, UnauthorizedError } from '../../core/index.ts';
import { sendError } from './envelope.ts';

/** `Authorization: Bearer <key>` against the configured keys (the core's ApiKeyCheck, shared with gRPC). */
export function apiKeyAuth(
  keys: readonly string[],
  isPublic: (method: string, path: string) => boolean,
): MiddlewareHandler {
  const check = new ApiKeyCheck(keys);
  return async (c, next) => {
    if (isPublic(c.req.method, c.req.path)) return next();
    try {
      check.verify(c.req.header('authorization'));
    } catch (error) {
      if (!(error instanceof UnauthorizedError)) throw error;
      c.header('WWW-Authenticate', 'Bearer');
      return sendError(c, 401, error.code, error.message);
    }
    return next();
  };
}
