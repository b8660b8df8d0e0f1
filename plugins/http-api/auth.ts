import { createHash, timingSafeEqual } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';
import { ErrorCode } from '../../core/index.ts';
import { sendError } from './envelope.ts';

const digest = (value: string) => createHash('sha256').update(value, 'utf8').digest();

/**
 * `Authorization: Bearer <key>` against the configured keys. Keys are compared as SHA-256
 * digests with timingSafeEqual (equal lengths whatever the input), and every key is checked,
 * so the answer time says nothing about which key or how much of it matched.
 */
export function apiKeyAuth(keys: readonly string[], isPublic: (method: string, path: string) => boolean): MiddlewareHandler {
  const expected = keys.map(digest);
  return async (c, next) => {
    if (isPublic(c.req.method, c.req.path)) return next();
    const match = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(c.req.header('authorization') ?? '');
    let authorized = false;
    if (match) {
      const given = digest(match[1]!);
      for (const key of expected) authorized = timingSafeEqual(key, given) || authorized;
    }
    if (!authorized) {
      c.header('WWW-Authenticate', 'Bearer');
      return sendError(c, 401, ErrorCode.UNAUTHORIZED, match ? 'invalid API key' : 'missing API key: send Authorization: Bearer <key>');
    }
    return next();
  };
}
