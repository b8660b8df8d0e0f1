import { NonRetryableError } from '../../core/index.ts';

/**
 * SQLSTATE classes that mean "this statement with these values is wrong" and will be wrong
 * the next time too: data exceptions (22), integrity violations (23: duplicate key, foreign
 * key, NOT NULL), syntax or access errors (42), cardinality (21), WITH CHECK OPTION (44),
 * unsupported features (0A). Everything else (connection loss 08, deadlock and serialization
 * 40, resources 53, lock timeouts, network errors) may pass: retryable.
 */
const PERMANENT_CLASSES = new Set(['22', '23', '42', '21', '44', '0A']);

export function classifySqlError(error: unknown): Error {
  const state = sqlState(error);
  const message = error instanceof Error ? error.message : String(error);
  if (state && PERMANENT_CLASSES.has(state.slice(0, 2))) {
    return new NonRetryableError(`SQL error ${state}: ${message}`, { cause: error });
  }
  return error instanceof Error ? error : new Error(message);
}

/** mysql2 puts the SQLSTATE in `sqlState`; pg in `code` (five characters). */
function sqlState(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const { sqlState: mysqlState, code } = error as { sqlState?: unknown; code?: unknown };
  if (typeof mysqlState === 'string' && mysqlState.length === 5) return mysqlState;
  if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)) return code;
  return undefined;
}
