import { z } from 'zod';
import { integer } from './value-schemas.ts';

/**
 * What a key may do (docs/api.md, "Authentication"): `read` the tasks and the cluster,
 * `write` (create, cancel, retry tasks; includes read), `admin` (manage task types and
 * everything else; includes write).
 */
export const API_SCOPES = ['read', 'write', 'admin'] as const;
export type ApiScope = (typeof API_SCOPES)[number];

export interface ApiKeySpec {
  /** Shown in logs and in the task log instead of the key. */
  name: string;
  key: string;
  scopes: ApiScope[];
}

const scope = z.enum(API_SCOPES);
const KEY_NAME = /^[A-Za-z0-9_.:-]{1,64}$/;

/** A key with a name and scopes: `{ name, key, scopes }` (scopes default to all). */
const namedKey = z.strictObject({
  name: z.string().regex(KEY_NAME, 'a name is 1–64 characters of [A-Za-z0-9_.:-]'),
  key: z.string().trim().min(1),
  scopes: z
    .array(scope)
    .min(1)
    .default([...API_SCOPES]),
});

type NamedKeyInput = z.input<typeof namedKey>;
/** Checked by `namedKey` in the transform, so a bad entry is reported at its own path. */
const namedKeyEntry = z.custom<NamedKeyInput>(
  (value) => typeof value === 'object' && value !== null && !Array.isArray(value),
  {
    message: 'an API key is a string or { name, key, scopes }',
  },
);

/**
 * One entry of TM_HTTP_API_KEYS: `key` (every scope), or `name:key:scope+scope` when it has
 * at least two colons and ends with scope names. A key may contain colons in the second form.
 */
function parseCompactKey(entry: string): string | NamedKeyInput {
  const first = entry.indexOf(':');
  const last = entry.lastIndexOf(':');
  if (first < 0 || first === last) return entry;
  const scopes = entry.slice(last + 1).split('+');
  if (!scopes.every((s) => (API_SCOPES as readonly string[]).includes(s))) return entry;
  return { name: entry.slice(0, first), key: entry.slice(first + 1, last), scopes: scopes as ApiKeySpec['scopes'] };
}

/**
 * API keys from a config file (an array of keys and/or `{ name, key, scopes }`) or from
 * TM_HTTP_API_KEYS ("key1,key2" or "ci:k1:read+write,ops:k2:admin"). A plain key has every
 * scope and is named `key-<position>` (1-based), so logs never need the key itself.
 */
const apiKeys = z
  .union([z.array(z.union([z.string(), namedKeyEntry])), z.string()])
  .transform((value, ctx): ApiKeySpec[] => {
    const entries =
      typeof value === 'string'
        ? value
            .split(',')
            .map((e) => e.trim())
            .filter(Boolean)
            .map(parseCompactKey)
        : value;
    const specs: ApiKeySpec[] = [];
    entries.forEach((entry, index) => {
      if (typeof entry === 'string') {
        const key = entry.trim();
        if (key.length > 0) specs.push({ name: `key-${index + 1}`, key, scopes: [...API_SCOPES] });
        return;
      }
      const parsed = namedKey.safeParse(entry);
      if (!parsed.success) {
        for (const issue of parsed.error.issues)
          ctx.addIssue({ ...issue, path: [index, ...issue.path] } as z.core.$ZodRawIssue);
        return;
      }
      specs.push({ name: parsed.data.name, key: parsed.data.key, scopes: [...new Set(parsed.data.scopes)] });
    });
    const names = specs.map((s) => s.name);
    const duplicate = names.find((n, i) => names.indexOf(n) !== i);
    if (duplicate) ctx.addIssue({ code: 'custom', message: `two API keys are named "${duplicate}"` });
    return specs;
  });

/**
 * What every API transport (HTTP, gRPC) enforces alike, read from the `http` section so one
 * setting covers both: the keys, the largest request, the largest batch.
 */
export const apiAccessSchema = z.object({
  /** Requests above this many bytes are rejected with 41301 (HTTP 413, gRPC RESOURCE_EXHAUSTED). */
  maxPayloadBytes: integer(1, 1024 * 1024 * 1024).default(1024 * 1024),
  /** When non-empty, every call but health, docs and public routes needs `Authorization: Bearer <key>` with the scope the call needs. */
  apiKeys: apiKeys.default([]),
  /** Most tasks one batch create may hold. */
  batchLimit: integer(1, 100_000).default(1000),
});

export type ApiAccessOptions = z.input<typeof apiAccessSchema>;
export type ApiAccess = z.output<typeof apiAccessSchema>;

/** The config section both transports read their access settings from. */
export const API_ACCESS_SECTION = 'http';
