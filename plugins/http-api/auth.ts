import type { MiddlewareHandler } from 'hono';
import { ApiKeyCheck, ForbiddenError, UnauthorizedError, type ApiKeySpec, type ApiScope } from '../../core/index.ts';
import { sendError } from './envelope.ts';
import { API_PREFIX } from './routes/shared.ts';

/**
 * The scope a request needs (docs/api.md, "Authentication"): reading is `read`; managing task
 * types (and anything else under /task-types) is `admin`; every other change is `write`.
 */
export function requiredScope(method: string, path: string): ApiScope {
  if (method === 'GET' || method === 'HEAD' || method === 'OPTIONS') return 'read';
  if (path === `${API_PREFIX}/task-types` || path.startsWith(`${API_PREFIX}/task-types/`)) return 'admin';
  return 'write';
}

/**
 * `Authorization: Bearer <key>` against the configured keys and their scopes (the core's
 * ApiKeyCheck, shared with gRPC). The key's name, never the key, is kept for the access log
 * and the task log (`apiKey`).
 */
export function apiKeyAuth(
  keys: readonly ApiKeySpec[],
  isPublic: (method: string, path: string) => boolean,
): MiddlewareHandler {
  const check = new ApiKeyCheck(keys);
  return async (c, next) => {
    if (isPublic(c.req.method, c.req.path)) return next();
    try {
      const identity = check.verify(c.req.header('authorization'), requiredScope(c.req.method, c.req.path));
      if (identity) c.set('apiKey', identity.name);
    } catch (error) {
      if (error instanceof UnauthorizedError) {
        c.header('WWW-Authenticate', 'Bearer');
        return sendError(c, 401, error.code, error.message);
      }
      if (error instanceof ForbiddenError) return sendError(c, 403, error.code, error.message, error.details);
      throw error;
    }
    return next();
  };
}
