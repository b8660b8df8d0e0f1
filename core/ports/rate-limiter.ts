export interface RateGrant {
  /** How many of the wanted units were granted (0..wanted). */
  granted: number;
  /** Milliseconds until the current window ends (when more may be granted). */
  retryAfterMs: number;
}

/**
 * Fixed-window counters shared by the cluster (`ratelimit:{key}` on Redis, one Lua script):
 * the dispatch limits of task types and the HTTP API's request limit. Taking is atomic: two
 * processes never get more than `max` in one window between them.
 */
export interface RateLimiter {
  take(key: string, wanted: number, max: number, windowMs: number): Promise<RateGrant>;
}
