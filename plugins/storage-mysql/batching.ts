import { isDuplicateKey, isLockConflict } from './errors.ts';

/** Rows per multi-row statement: large enough to amortise a round trip, small enough for any packet limit. */
export const MAX_ROWS_PER_STATEMENT = 1000;
/** Bytes of JSON/text per statement, kept well under the 16 MiB default max_allowed_packet (64 MiB on MySQL 8). */
export const MAX_BYTES_PER_STATEMENT = 4 * 1024 * 1024;

/**
 * Splits `items` into statement-sized chunks by count and by the estimated size of each
 * item, so a batch of large payloads never trips max_allowed_packet.
 */
export function chunkForStatements<T>(items: readonly T[], sizeOf: (item: T) => number = () => 0): T[][] {
  const chunks: T[][] = [];
  let current: T[] = [];
  let bytes = 0;
  for (const item of items) {
    const size = sizeOf(item);
    if (current.length > 0 && (current.length >= MAX_ROWS_PER_STATEMENT || bytes + size > MAX_BYTES_PER_STATEMENT)) {
      chunks.push(current);
      current = [];
      bytes = 0;
    }
    current.push(item);
    bytes += size;
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}

const MAX_ATTEMPTS = 4;

/**
 * Runs a whole transaction again when InnoDB rolled it back for a lock conflict (deadlock,
 * lock wait timeout) or when a concurrent writer inserted the same task id first: the next
 * attempt reads the committed state and decides again. Each attempt must start from scratch.
 */
export async function retryTransaction<T>(attempt: () => Promise<T>): Promise<T> {
  for (let n = 1; ; n++) {
    try {
      return await attempt();
    } catch (error) {
      if (n >= MAX_ATTEMPTS || !(isLockConflict(error) || isDuplicateKey(error))) throw error;
      // A short, growing, jittered pause lets the other transaction commit first.
      await new Promise((resolve) => setTimeout(resolve, n * 5 + Math.random() * 10));
    }
  }
}
