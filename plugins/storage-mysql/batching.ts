import { retryTransaction as retryOn } from '../../lib/sql-storage/transaction-retry.ts';
import { isDuplicateKey, isLockConflict } from './errors.ts';

export {
  chunkForStatements,
  MAX_BYTES_PER_STATEMENT,
  MAX_ROWS_PER_STATEMENT,
} from '../../lib/sql-storage/statement-chunks.ts';

/**
 * Runs a whole transaction again when InnoDB rolled it back for a lock conflict (deadlock,
 * lock wait timeout) or when a concurrent writer inserted the same task id first: the next
 * attempt reads the committed state and decides again. Each attempt must start from scratch.
 */
export function retryTransaction<T>(attempt: () => Promise<T>): Promise<T> {
  return retryOn(attempt, (error) => isLockConflict(error) || isDuplicateKey(error));
}
