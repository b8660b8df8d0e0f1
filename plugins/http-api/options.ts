import { z } from 'zod';
import { apiAccessSchema, boolean } from '../../core/index.ts';

/** `true` allows any origin; a list (or "a,b") allows those origins only. */
const cors = z.union([boolean(), z.array(z.string()), z.string()]).transform((value): false | '*' | string[] => {
  if (value === true) return '*';
  if (value === false) return false;
  const origins = (typeof value === 'string' ? value.split(',') : value).map((o) => o.trim()).filter(Boolean);
  if (origins.includes('*')) return '*';
  return origins.length > 0 ? origins : false;
});

/** The shared access settings (keys, payload and batch limits, also used by gRPC) and CORS. */
export const httpOptionsSchema = apiAccessSchema.extend({
  cors: cors.default(false),
});

export type HttpApiOptions = z.input<typeof httpOptionsSchema>;
export type ResolvedHttpApiOptions = z.output<typeof httpOptionsSchema>;
