/**
 * How far a running task says it is (an executor's `ctx.progress`). Stored on the task and
 * shown by GET /api/v1/tasks/:id; cleared when the task goes back to PENDING (a new attempt
 * starts from nothing).
 */
export interface TaskProgress {
  /** 0–100, whole numbers. */
  readonly percent: number;
  readonly message: string | null;
  readonly updatedAt: Date;
}

/** A progress message is a status line, not a log: longer text is cut here. */
export const MAX_PROGRESS_MESSAGE_LENGTH = 500;

/** A whole percentage in 0–100, or undefined for a value that is no number at all (NaN). */
export function boundedPercent(percent: number): number | undefined {
  if (typeof percent !== 'number' || Number.isNaN(percent)) return undefined;
  return Math.max(0, Math.min(100, Math.round(percent)));
}

export function progressMessage(message: unknown): string | null {
  if (message === undefined || message === null) return null;
  const text = String(message);
  return text.length > MAX_PROGRESS_MESSAGE_LENGTH ? `${text.slice(0, MAX_PROGRESS_MESSAGE_LENGTH - 1)}…` : text;
}
