import { DependencyUnavailableError, TaskManagerError } from '../../core/index.ts';

/**
 * How a mysql2 error is read: connection-level failures become DependencyUnavailableError
 * (50301, the caller may retry later); lock conflicts are retried here; anything else is a
 * bug or a constraint violation and is thrown as is.
 */
interface DriverError {
  code?: unknown;
  errno?: unknown;
  fatal?: unknown;
}

const CONNECTION_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
  'PROTOCOL_CONNECTION_LOST',
  'PROTOCOL_SEQUENCE_TIMEOUT',
  'ER_CONNECTION_KILLED',
  'ER_SERVER_SHUTDOWN',
  'ER_CON_COUNT_ERROR',
  'ER_TOO_MANY_USER_CONNECTIONS',
  'ER_CLIENT_INTERACTION_TIMEOUT',
  'ER_QUERY_INTERRUPTED',
  'ER_STATEMENT_TIMEOUT',
  'ER_QUERY_TIMEOUT',
  'ER_ACCESS_DENIED_ERROR',
  'ER_BAD_DB_ERROR',
]);

/**
 * The same failures by server error number, for codes mysql2 does not name (MariaDB's
 * statement timeout 1969 has no code): 1040 too many connections, 1053 shutdown, 1317 query
 * interrupted, 1927 connection killed (MariaDB), 1969 / 3024 statement timeout (MariaDB /
 * MySQL), 4031 idle session closed (MySQL).
 */
const CONNECTION_ERRNOS = new Set([1040, 1053, 1317, 1927, 1969, 3024, 4031]);

/** 1213 deadlock, 1205 lock wait timeout: the transaction was rolled back and can run again. */
const LOCK_CONFLICT_ERRNOS = new Set([1213, 1205]);
const DUPLICATE_KEY_ERRNO = 1062;

function driverError(error: unknown): DriverError {
  return typeof error === 'object' && error !== null ? (error as DriverError) : {};
}

export function isConnectionError(error: unknown): boolean {
  const { code, errno, fatal } = driverError(error);
  if (fatal === true) return true;
  if (typeof code === 'string' && CONNECTION_CODES.has(code)) return true;
  if (typeof errno === 'number' && CONNECTION_ERRNOS.has(errno)) return true;
  // Node's happy-eyeballs connect wraps one error per address in an AggregateError.
  if (error instanceof AggregateError) return error.errors.some(isConnectionError);
  return false;
}

export function isLockConflict(error: unknown): boolean {
  const { errno } = driverError(error);
  return typeof errno === 'number' && LOCK_CONFLICT_ERRNOS.has(errno);
}

export function isDuplicateKey(error: unknown): boolean {
  return driverError(error).errno === DUPLICATE_KEY_ERRNO;
}

/** The error a storage method throws for `error`. */
export function toStorageError(error: unknown): unknown {
  if (error instanceof TaskManagerError) return error;
  if (isConnectionError(error)) return new DependencyUnavailableError('mysql', error);
  return error;
}
