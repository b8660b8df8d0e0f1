import type { JsonObject, JsonValue } from './json.ts';
import type { PriorityValue } from './priority.ts';
import type { TaskProgress } from './task-progress.ts';
import type { TaskStatus } from './task-status.ts';

export * from './task-status.ts';

/** A task as stored (docs/design.md#task-model). Times are Date objects in UTC. */
export interface Task {
  readonly taskId: string;
  readonly taskType: string;
  readonly priority: PriorityValue;
  readonly status: TaskStatus;
  readonly payload: JsonObject;
  readonly result: JsonValue | null;
  readonly errorMsg: string | null;
  readonly retryCount: number;
  readonly maxRetry: number;
  /** Seconds. */
  readonly timeout: number;
  readonly workerId: string | null;
  readonly scheduledAt: Date;
  readonly startedAt: Date | null;
  readonly completedAt: Date | null;
  readonly createdAt: Date;
  readonly updatedAt: Date;
  /** The running attempt's last reported progress; null (or absent) when none was reported. */
  readonly progress?: TaskProgress | null;
  /** The tasks it waits for (SPEC §8.4): filled by the single-task read, absent in listings and without dependencies. */
  readonly dependsOn?: readonly string[];
  /**
   * The W3C `traceparent` of the span that created the task, when tracing was on in the
   * creating process (docs/operations.md, "Tracing"); null (or absent) otherwise.
   */
  readonly traceParent?: string | null;
}

/** Fields a status change may write besides the status itself. */
export interface TaskPatch {
  workerId?: string | null;
  result?: JsonValue | null;
  errorMsg?: string | null;
  retryCount?: number;
  maxRetry?: number;
  scheduledAt?: Date;
  startedAt?: Date | null;
  completedAt?: Date | null;
}

export const TASK_TYPE_PATTERN = /^[A-Za-z0-9_.:-]{1,64}$/;

export function canAutoRetry(task: Pick<Task, 'retryCount' | 'maxRetry'>): boolean {
  return task.retryCount < task.maxRetry;
}

/** PROCESSING past started_at + timeout (the scheduler's second line of timeout defence). */
export function isPastDeadline(task: Task, now: Date): boolean {
  return (
    task.status === 'PROCESSING' &&
    task.startedAt !== null &&
    now.getTime() - task.startedAt.getTime() > task.timeout * 1000
  );
}

/** Applies a patch to a task in memory; storage plugins and tests share this one rule. */
export function applyPatch(task: Task, status: TaskStatus, patch: TaskPatch, now: Date): Task {
  const next: { -readonly [K in keyof Task]: Task[K] } = { ...task, status, updatedAt: now };
  for (const key of Object.keys(patch) as (keyof TaskPatch)[]) {
    const value = patch[key];
    if (value !== undefined) (next as Record<string, unknown>)[key] = value;
  }
  return next;
}
