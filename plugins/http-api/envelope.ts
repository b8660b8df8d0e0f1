import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { z } from '@hono/zod-openapi';

/** docs/api.md#conventions: every JSON answer is `{code, message, data}`; errors carry a non-zero code. */
export function envelopeSchema<T extends z.ZodType>(data: T) {
  return z.object({
    code: z.literal(0),
    message: z.string().openapi({ example: 'success' }),
    data,
  });
}

export const errorEnvelopeSchema = z
  .object({
    code: z.int().openapi({ example: 40001 }),
    message: z.string().openapi({ example: 'payload must be a JSON object' }),
    details: z.unknown().optional(),
  })
  .openapi('Error');

export type ErrorEnvelope = z.infer<typeof errorEnvelopeSchema>;

export function success<T>(data: T, message = 'success') {
  return { code: 0 as const, message, data };
}

export function errorBody(code: number, message: string, details?: unknown): ErrorEnvelope {
  return details === undefined ? { code, message } : { code, message, details };
}

export function sendError(c: Context, status: ContentfulStatusCode, code: number, message: string, details?: unknown) {
  return c.json(errorBody(code, message, details), status);
}
