/** The exit status of every `taskmanager` command (docs/operations.md#operator-cli). */
export const EXIT = {
  OK: 0,
  /** The server answered an error, or could not be reached. */
  ERROR: 1,
  /** Unknown command, unknown option, bad option value, missing argument. */
  USAGE: 2,
  /** `tasks wait`: the task finished, but not with SUCCESS. */
  TASK_NOT_SUCCESSFUL: 3,
  /** `tasks wait`: the timeout passed before the task finished. */
  WAIT_TIMEOUT: 4,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** A command line the CLI cannot run: reported with the command's usage, exit status 2. */
export class UsageError extends Error {
  constructor(
    message: string,
    /** The usage line to show, e.g. `taskmanager tasks get <id> [options]`. */
    readonly usage?: string,
  ) {
    super(message);
    this.name = 'UsageError';
  }
}

/** A command that could not do its job, with the message to show and the exit status. */
export class CliFailure extends Error {
  constructor(
    message: string,
    readonly exitCode: ExitCode,
  ) {
    super(message);
    this.name = 'CliFailure';
  }
}
