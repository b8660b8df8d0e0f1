/** Rows per multi-row statement: large enough to amortise a round trip, small enough for any packet limit. */
export const MAX_ROWS_PER_STATEMENT = 1000;
/**
 * Bytes of JSON/text per statement, kept well under MySQL's 16 MiB default max_allowed_packet
 * (64 MiB on MySQL 8) and far under PostgreSQL's 1 GiB message limit.
 */
export const MAX_BYTES_PER_STATEMENT = 4 * 1024 * 1024;

/**
 * Splits `items` into statement-sized chunks by count and by the estimated size of each
 * item, so a batch of large payloads never trips a packet or message limit.
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
