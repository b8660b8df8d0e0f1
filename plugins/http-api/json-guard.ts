import type { MiddlewareHandler } from 'hono';
import { ErrorCode, findJsonProblem } from '../../core/index.ts';
import { sendError } from './envelope.ts';

/** A \u escape of a UTF-16 surrogate (D800–DFFF): the only way JSON text can carry a lone one. */
const SURROGATE_ESCAPE = /\\u[dD][89a-fA-F]/;

/**
 * Every JSON body, whatever the route, holds only text every storage can keep: a string with a
 * lone UTF-16 surrogate ("\ud800") has no UTF-8 form and would fail (or be altered) on the way
 * to MySQL. Refused with 400 / 40001 naming the field. Only a body whose text has a surrogate
 * escape is parsed here (Hono caches the text, so the route reads it once); bodies that do not
 * parse are left to the route's validator, which answers "not valid JSON". The depth of each
 * JSON field is checked by the core (docs/api.md, "Limits").
 */
export function jsonGuard(): MiddlewareHandler {
  return async (c, next) => {
    const method = c.req.method;
    if (method !== 'POST' && method !== 'PUT' && method !== 'PATCH') return next();
    if (!/^application\/(.+\+)?json/i.test(c.req.header('content-type') ?? '')) return next();
    let text: string;
    try {
      text = await c.req.text();
    } catch {
      return next();
    }
    if (!SURROGATE_ESCAPE.test(text)) return next();
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      return next();
    }
    // Depth is not this guard's concern: JSON.parse does not recurse, and each field has its own limit.
    const problem = findJsonProblem(body, '', { maxDepth: Number.POSITIVE_INFINITY });
    if (problem) {
      const field = problem.path || 'body';
      return sendError(c, 400, ErrorCode.INVALID_PARAMETER, `invalid parameter ${field}: ${problem.message}`, [
        { path: field, message: problem.message },
      ]);
    }
    return next();
  };
}
