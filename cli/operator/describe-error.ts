/** Any error of a command as one line for stderr and an exit status; never a stack trace. */
import { TaskManagerError, WaitTimeoutError } from '../../clients/typescript/src/index.ts';
import { CliFailure, EXIT, UsageError, type ExitCode } from './exit-codes.ts';

export interface ErrorReport {
  message: string;
  exitCode: ExitCode;
  /** The usage line to print under a usage error. */
  usage?: string;
}

/** cac throws CACError for an unknown option, a missing argument or option value. */
function isParserError(error: unknown): error is Error {
  return error instanceof Error && error.name === 'CACError';
}

/**
 * @param url the server the command talked to, for the hint when it cannot be reached
 */
export function describeError(error: unknown, url: string): ErrorReport {
  if (error instanceof UsageError) return { message: error.message, exitCode: EXIT.USAGE, usage: error.usage };
  if (isParserError(error)) return { message: error.message, exitCode: EXIT.USAGE };
  if (error instanceof CliFailure) return { message: error.message, exitCode: error.exitCode };
  if (error instanceof WaitTimeoutError) return { message: error.message, exitCode: EXIT.WAIT_TIMEOUT };
  if (error instanceof TaskManagerError) {
    // Code 0: no answer at all (connection refused, DNS, timeout).
    if (error.code === 0)
      return { message: `cannot reach ${url}: is taskmanager start running at ${url}?`, exitCode: EXIT.ERROR };
    const hint = error.code === 40101 ? ' (pass --api-key or set TM_API_KEY)' : '';
    return { message: `error ${error.code}: ${error.message}${hint}`, exitCode: EXIT.ERROR };
  }
  return { message: error instanceof Error ? error.message : String(error), exitCode: EXIT.ERROR };
}
