import { InvalidParameterError } from '../../domain/errors.ts';
import { isJsonObject, type JsonObject } from '../../domain/json.ts';
import { findJsonProblem } from '../../domain/json-limits.ts';
import { TaskPriority } from '../../domain/priority.ts';
import { isScheduledTaskId } from '../../domain/schedule.ts';
import { TASK_TYPE_PATTERN } from '../../domain/task.ts';
import type { TaskTypeConfig } from '../../domain/task-type.ts';
import type { NewTask } from '../../ports/storage.ts';

export interface CreateTaskInput {
  taskType: string;
  /** 0 NORMAL (default) or 1 HIGH. */
  priority?: number;
  payload: JsonObject;
  /** Seconds; overrides the type's default_timeout. */
  timeout?: number;
  /** Overrides the type's default_max_retry. */
  maxRetry?: number;
  /** Run no earlier than now + delayMs. */
  delayMs?: number;
  /** Run no earlier than this time. */
  runAt?: Date;
  /** Becomes the task_id: creating twice with one key returns the first task. */
  idempotencyKey?: string;
  /** Name of the API key of the call (set by the API transports, not by clients); written in the task log. */
  createdBy?: string;
  /**
   * Set by the schedule firer only (never by a transport): the idempotency key is then a fire's
   * `<schedule_id>@<fire time>`, a shape clients cannot use (domain/schedule.ts).
   */
  firedBySchedule?: boolean;
  /** Ids of existing tasks that must be SUCCESS before this one runs (SPEC §8.4). */
  dependsOn?: readonly string[];
  /** In a batch: indexes of earlier items of the same batch this one waits for. */
  dependsOnIndex?: readonly number[];
  /**
   * An incoming W3C `traceparent` (set by the API transports from the request's header): the
   * parent of the task's `task.create` span. Ignored while tracing is off or when unreadable.
   */
  traceParent?: string;
}

const MAX_TIMEOUT_SECONDS = 7 * 86_400;
const DOT_SEGMENT = /^\.{1,2}$/;
/** How far ahead `delay` may schedule a task (docs/api.md, "Limits"). */
export const MAX_DELAY_MS = 366 * 86_400_000;
/**
 * The times every storage round-trips exactly (MySQL's DATETIME misreads years before 1000 and
 * ends at 9999); `run_at` and the list filters must fall inside (docs/api.md, "Limits").
 */
export const EARLIEST_TIME = new Date('1970-01-01T00:00:00.000Z');
export const LATEST_TIME = new Date('9999-12-31T23:59:59.999Z');

/** Semantic checks and defaults (docs/design.md#task-model: request values override the type's defaults). */
export function buildNewTask(
  input: CreateTaskInput,
  type: TaskTypeConfig,
  now: Date,
  newId: () => string,
  field = '',
): NewTask {
  const at = (name: string) => (field ? `${field}.${name}` : name);
  if (!isJsonObject(input.payload)) {
    throw new InvalidParameterError('payload must be a JSON object', { field: at('payload') });
  }
  const problem = findJsonProblem(input.payload, at('payload'));
  if (problem) throw new InvalidParameterError(`${problem.path} ${problem.message}`, { field: problem.path });
  const priority = (() => {
    try {
      return TaskPriority.of(input.priority).value;
    } catch (error) {
      throw new InvalidParameterError((error as Error).message, { field: at('priority') });
    }
  })();
  const timeout = input.timeout ?? type.defaultTimeout;
  if (!Number.isInteger(timeout) || timeout < 1 || timeout > MAX_TIMEOUT_SECONDS) {
    throw new InvalidParameterError(`timeout must be an integer number of seconds from 1 to ${MAX_TIMEOUT_SECONDS}`, {
      field: at('timeout'),
    });
  }
  const maxRetry = input.maxRetry ?? type.defaultMaxRetry;
  if (!Number.isInteger(maxRetry) || maxRetry < 0 || maxRetry > 1000) {
    throw new InvalidParameterError('max_retry must be an integer from 0 to 1000', { field: at('max_retry') });
  }
  if (input.delayMs !== undefined && input.runAt !== undefined) {
    throw new InvalidParameterError('give either delay or run_at, not both', { field: at('delay') });
  }
  if (
    input.delayMs !== undefined &&
    (!Number.isFinite(input.delayMs) || input.delayMs < 0 || input.delayMs > MAX_DELAY_MS)
  ) {
    throw new InvalidParameterError('delay must be a number of seconds from 0 to one year', { field: at('delay') });
  }
  if (input.runAt !== undefined && Number.isNaN(input.runAt.getTime())) {
    throw new InvalidParameterError('run_at must be an RFC 3339 time', { field: at('run_at') });
  }
  if (input.runAt !== undefined && (input.runAt < EARLIEST_TIME || input.runAt > LATEST_TIME)) {
    throw new InvalidParameterError('run_at must be between 1970-01-01T00:00:00Z and 9999-12-31T23:59:59Z', {
      field: at('run_at'),
    });
  }
  // "." and ".." are path segments every URL parser removes: such a task could never be read.
  if (
    input.idempotencyKey !== undefined &&
    !(input.firedBySchedule && isScheduledTaskId(input.idempotencyKey)) &&
    (!TASK_TYPE_PATTERN.test(input.idempotencyKey) || DOT_SEGMENT.test(input.idempotencyKey))
  ) {
    throw new InvalidParameterError(
      'idempotency_key must be 1–64 characters of [A-Za-z0-9_.:-], other than "." and ".."',
      {
        field: at('idempotency_key'),
      },
    );
  }
  const scheduledAt = input.runAt ?? (input.delayMs ? new Date(now.getTime() + Math.round(input.delayMs)) : now);
  return {
    taskId: input.idempotencyKey ?? newId(),
    taskType: type.taskType,
    priority,
    payload: input.payload,
    maxRetry,
    timeout,
    scheduledAt,
    createdAt: now,
    ...(input.createdBy !== undefined ? { createdBy: input.createdBy } : {}),
  };
}
