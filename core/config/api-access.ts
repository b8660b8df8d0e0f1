import { z } from 'zod';
import { integer } from './value-schemas.ts';

/** API keys from a config file (array) or from TM_HTTP_API_KEYS ("key1,key2"). */
const apiKeys = z
  .union([z.array(z.string()), z.string()])
  .transform((value) =>
    (typeof value === 'string' ? value.split(',') : value).map((key) => key.trim()).filter((key) => key.length > 0),
  );

/**
 * What every API transport (HTTP, gRPC) enforces alike, read from the `http` section so one
 * setting covers both: the keys, the largest request, the largest batch.
 */
export const apiAccessSchema = z.object({
  /** Requests above this many bytes are rejected with 41301 (HTTP 413, gRPC RESOURCE_EXHAUSTED). */
  maxPayloadBytes: integer(1, 1024 * 1024 * 1024).default(1024 * 1024),
  /** When non-empty, every call but health, docs and public routes needs `Authorization: Bearer <key>`. */
  apiKeys: apiKeys.default([]),
  /** Most tasks one batch create may hold. */
  batchLimit: integer(1, 100_000).default(1000),
});

export type ApiAccessOptions = z.input<typeof apiAccessSchema>;
export type ApiAccess = z.output<typeof apiAccessSchema>;

/** The config section both transports read their access settings from. */
export const API_ACCESS_SECTION = 'http';
