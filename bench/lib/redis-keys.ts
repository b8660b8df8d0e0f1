import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';

export const REDIS_URL = process.env.TM_BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** A fresh key prefix per run so ours and BullMQ never see each other's keys. */
export function benchPrefix(who: 'ours' | 'bull'): string {
  return `bench-${who}-${randomUUID().slice(0, 8)}`;
}

/** Deletes every key under `prefix` (UNLINK in batches, so a big queue does not block Redis). */
export async function deleteKeys(prefix: string): Promise<void> {
  const redis = new Redis(REDIS_URL, { lazyConnect: true });
  await redis.connect();
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length > 0) await redis.unlink(...keys);
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}
