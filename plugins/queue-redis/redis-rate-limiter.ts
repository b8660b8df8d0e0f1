import type { RateGrant, RateLimiter } from '../../core/index.ts';
import type { RedisConnections } from './redis-connections.ts';

/** Fixed windows in Redis, one atomic script per take (scripts/rate-limit-take.lua). */
export class RedisRateLimiter implements RateLimiter {
  constructor(private readonly redis: RedisConnections) {}

  async take(key: string, wanted: number, max: number, windowMs: number): Promise<RateGrant> {
    if (wanted <= 0) return { granted: 0, retryAfterMs: 0 };
    const [granted, retryAfterMs] = await this.redis.scripts.run<[number, number]>(
      'rate-limit-take',
      [this.redis.keys.rateLimit(key)],
      [wanted, max, Math.max(1, Math.round(windowMs))],
    );
    return { granted: Number(granted), retryAfterMs: Number(retryAfterMs) };
  }
}
