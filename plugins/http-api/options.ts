import { z } from 'zod';
import { boolean, integer } from '../../core/index.ts';

/** API keys from a config file (array) or from TM_HTTP_API_KEYS ("key1,key2"). */
const apiKeys = z
  .union([z.array(z.string()), z.string()])
  .transform((value) =>
    (typeof value === 'string' ? value.split(',') : value).map((key) => key.trim()).filter((key) => key.length > 0),
  );

/** `true` allows any origin; a list (or "a,b") allows those origins only. */
const cors = z.union([boolean(), z.array(z.string()), z.string()]).transform((value): false | '*' | string[] => {
  if (value === true) return '*';
  if (value === false) return false;
  const origins = (typeof value === 'string' ? value.split(',') : value).map((o) => o.trim()).filter(Boolean);
  if (origins.includes('*')) return '*';
  return origins.length > 0 ? origins : false;
});

export const httpOptionsSchema = z.object({
  /** Request bodies above this many bytes are rejected with 413 / 41301 (SPEC §1.1: 1 MiB). */
  maxPayloadBytes: integer(1, 1024 * 1024 * 1024).default(1024 * 1024),
  /** When non-empty, every route but health, docs and public ones needs `Authorization: Bearer <key>`. */
  apiKeys: apiKeys.default([]),
  /** Most tasks one POST /api/v1/tasks/batch may create. */
  batchLimit: integer(1, 100_000).default(1000),
  cors: cors.default(false),
});

export type HttpApiOptions = z.input<typeof httpOptionsSchema>;
export type ResolvedHttpApiOptions = z.output<typeof httpOptionsSchema>;
