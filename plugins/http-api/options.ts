import { z } from 'zod';
import { apiAccessSchema, boolean, duration, integer } from '../../core/index.ts';

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
  /** Slow clients (docs/api.md, "Limits"): all headers within this, else 408. */
  headersTimeout: duration().default(10_000),
  /** The whole request (headers and body) within this, else 408. */
  requestTimeout: duration().default(30_000),
  /** An idle keep-alive connection is closed after this. */
  keepAliveTimeout: duration().default(5_000),
  /**
   * Requests on one keep-alive connection before the server closes it (0 = no limit). Off by
   * default: past the limit Node answers 503 to every request a client already sent on that
   * connection, which a busy client (or a pipelining proxy) sees as errors. The request and
   * header timeouts and maxConnections are what bound a slow or greedy client.
   */
  maxRequestsPerConnection: integer(0, 1_000_000).default(0),
  /** Largest request head (request line and headers) in bytes; larger answers 431. */
  maxHeaderBytes: integer(1_024, 1024 * 1024).default(16 * 1024),
  /** Connections open at once; more are refused (0 = no limit). */
  maxConnections: integer(0, 1_000_000).default(10_000),
  /**
   * Requests per `rateLimitWindow` per API key (or per client address without keys), across the
   * cluster; past it 429 (42901) with Retry-After. 0 (the default) = no limit: the API usually
   * sits behind keys and a proxy that limits already (docs/configuration.md, "http").
   */
  rateLimitMax: integer(0, 1_000_000_000).default(0),
  rateLimitWindow: duration().pipe(z.number().min(1).max(86_400_000)).default(1_000),
});

export type HttpApiOptions = z.input<typeof httpOptionsSchema>;
export type ResolvedHttpApiOptions = z.output<typeof httpOptionsSchema>;
