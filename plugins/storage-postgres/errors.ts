import { DependencyUnavailableError, TaskManagerError } from '../../core/index.ts';

/**
 * How a pg error is read: connection-level failures become DependencyUnavailableError
 * (50301, the caller may retry later); serialization failures and deadlocks are retried
 * here; anything else is a bug or a constraint violation and is thrown as is.
 */
interface DriverError {
  code?: unknown;
  message?: unknown;
}

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
]);

/**
 * SQLSTATEs of an unavailable server: class 08 (connection exception), 53300 too many
 * connections, 57P01–57P03 shutdown / crash / starting up, 57014 statement timeout or cancel,
 * 3D000 no such database, 28000 / 28P01 refused login.
 */
const UNAVAILABLE_SQLSTATES = new Set(['53300', '57P01', '57P02', '57P03', '57014', '3D000', '28000', '28P01']);

/** 40001 serialization failure, 40P01 deadlock, 55P03 lock not available: roll back and run again. */
const RETRYABLE_SQLSTATES = new Set(['40001', '40P01', '55P03']);
const UNIQUE_VIOLATION = '23505';

/** pg's own messages for a connection it lost or could not open in time (they carry no code). */
const CONNECTION_MESSAGES =
  /Connection terminated|connection timeout|timeout exceeded when trying to connect|Client has encountered a connection error|Connection ended unexpectedly/i;

function driverError(error: unknown): DriverError {
  return typeof error === 'object' && error !== null ? (error as DriverError) : {};
}

export function isConnectionError(error: unknown): boolean {
  const { code, message } = driverError(error);
  if (typeof code === 'string' && (NETWORK_CODES.has(code) || code.startsWith('08') || UNAVAILABLE_SQLSTATES.has(code)))
    return true;
  if (typeof message === 'string' && code === undefined && CONNECTION_MESSAGES.test(message)) return true;
  // Node's happy-eyeballs connect wraps one error per address in an AggregateError.
  if (error instanceof AggregateError) return error.errors.some(isConnectionError);
  return false;
}

export function isRetryableConflict(error: unknown): boolean {
  const { code } = driverError(error);
  return typeof code === 'string' && (RETRYABLE_SQLSTATES.has(code) || code === UNIQUE_VIOLATION);
}

/** The error a storage method throws for `error`. */
export function toStorageError(error: unknown): unknown {
  if (error instanceof TaskManagerError) return error;
  if (isConnectionError(error)) return new DependencyUnavailableError('postgres', error);
  return error;
}
