import {
  isTaskStatus,
  normalizeRetryStrategy,
  type JsonObject,
  type JsonValue,
  type LogType,
  type NewTask,
  type NewTaskLog,
  type PriorityValue,
  type Task,
  type TaskLog,
  type TaskProgress,
  type TaskStatus,
  type TaskTypeConfig,
  type WorkerInfo,
  type WorkerStatus,
} from '../../core/index.ts';
import type {
  NewTaskConfigRow,
  NewTaskLogRow,
  NewTaskRow,
  NewWorkerRow,
  TaskConfigRow,
  TaskLogRow,
  TaskRow,
  WorkerRow,
} from './database.ts';

/*
 * Rows ↔ domain objects. The database speaks snake_case, JSON text, TINYINT booleans,
 * DECIMAL strings and upper-case enums; the domain speaks camelCase, parsed JSON, booleans,
 * numbers and the TaskStatus union. Enum values are upper-cased on the way in so a row
 * written by hand ('fixed', C14) still reads as a valid value.
 */

export const toJsonText = (value: JsonValue): string => JSON.stringify(value);

function parseJson(text: string | Buffer): JsonValue {
  return JSON.parse(typeof text === 'string' ? text : text.toString('utf8')) as JsonValue;
}

function parseJsonObject(text: string | Buffer): JsonObject {
  const value = parseJson(text);
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? value : {};
}

function status(value: string): TaskStatus {
  const upper = value.toUpperCase();
  if (!isTaskStatus(upper)) throw new Error(`unknown task status "${value}" in the database`);
  return upper;
}

const optionalStatus = (value: string | null): TaskStatus | null => (value === null ? null : status(value));
const priority = (value: number): PriorityValue => (value === 1 ? 1 : 0);

export function taskFromRow(row: TaskRow): Task {
  return {
    taskId: row.task_id,
    taskType: row.task_type,
    priority: priority(row.priority),
    status: status(row.status),
    payload: parseJsonObject(row.payload),
    result: row.result === null ? null : parseJson(row.result),
    errorMsg: row.error_msg,
    retryCount: row.retry_count,
    maxRetry: row.max_retry,
    timeout: row.timeout,
    workerId: row.worker_id,
    scheduledAt: row.scheduled_at,
    startedAt: row.started_at,
    completedAt: row.completed_at,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    progress: progressFromText(row.progress),
    traceParent: row.trace_parent ?? null,
  };
}

/** The row of a freshly created task (PENDING, nothing run yet). */
export function newTaskRow(task: NewTask): NewTaskRow {
  const row: NewTaskRow = {
    task_id: task.taskId,
    task_type: task.taskType,
    priority: task.priority,
    status: 'PENDING',
    payload: toJsonText(task.payload),
    result: null,
    error_msg: null,
    retry_count: 0,
    max_retry: task.maxRetry,
    timeout: task.timeout,
    worker_id: null,
    scheduled_at: task.scheduledAt,
    started_at: null,
    completed_at: null,
    created_at: task.createdAt,
    updated_at: task.createdAt,
  };
  // Only while tracing is on; otherwise the INSERT leaves the column out (NULL by default).
  if (task.traceParent) row.trace_parent = task.traceParent;
  return row;
}

/** What createTasks returns for a task it inserted, without reading it back. */
export function createdTask(task: NewTask): Task {
  return {
    taskId: task.taskId,
    taskType: task.taskType,
    priority: task.priority,
    status: 'PENDING',
    payload: parseJsonObject(toJsonText(task.payload)),
    result: null,
    errorMsg: null,
    retryCount: 0,
    maxRetry: task.maxRetry,
    timeout: task.timeout,
    workerId: null,
    scheduledAt: new Date(task.scheduledAt.getTime()),
    startedAt: null,
    completedAt: null,
    createdAt: new Date(task.createdAt.getTime()),
    updatedAt: new Date(task.createdAt.getTime()),
    progress: null,
    traceParent: task.traceParent ?? null,
  };
}

/** task.progress JSON ↔ TaskProgress; anything unreadable reads as no progress. */
export function progressFromText(text: string | Buffer | null): TaskProgress | null {
  if (text === null) return null;
  const value = parseJson(text);
  if (typeof value !== 'object' || value === null || Array.isArray(value) || typeof value.percent !== 'number')
    return null;
  const updatedAt = typeof value.updated_at === 'string' ? new Date(value.updated_at) : new Date(0);
  return { percent: value.percent, message: typeof value.message === 'string' ? value.message : null, updatedAt };
}

export function progressText(percent: number, message: string | null, at: Date): string {
  return toJsonText({ percent, message, updated_at: at.toISOString() });
}

export function logFromRow(row: TaskLogRow): TaskLog {
  return {
    id: Number(row.id),
    taskId: row.task_id,
    logType: row.log_type.toUpperCase() as LogType,
    fromStatus: optionalStatus(row.from_status),
    toStatus: optionalStatus(row.to_status),
    message: row.message,
    workerId: row.worker_id,
    retryCount: row.retry_count,
    errorDetail: row.error_detail,
    createdAt: row.created_at,
  };
}

export function logRow(log: NewTaskLog): NewTaskLogRow {
  return {
    task_id: log.taskId,
    log_type: log.logType,
    from_status: log.fromStatus,
    to_status: log.toStatus,
    message: log.message,
    worker_id: log.workerId,
    retry_count: log.retryCount,
    error_detail: log.errorDetail,
    created_at: log.createdAt,
  };
}

export function taskTypeFromRow(row: TaskConfigRow): TaskTypeConfig {
  return {
    taskType: row.task_type,
    taskName: row.task_name,
    description: row.description,
    executorType: row.executor_type,
    executorConfig: parseJsonObject(row.executor_config),
    defaultTimeout: row.default_timeout,
    defaultMaxRetry: row.default_max_retry,
    retryStrategy: normalizeRetryStrategy(row.retry_strategy),
    retryDelay: row.retry_delay,
    backoffRate: Number(row.backoff_rate),
    maxConcurrent: row.max_concurrent,
    enabled: Boolean(row.enabled),
  };
}

export function taskTypeRow(config: TaskTypeConfig, at: Date): NewTaskConfigRow {
  return {
    task_type: config.taskType,
    task_name: config.taskName,
    description: config.description,
    executor_type: config.executorType,
    executor_config: toJsonText(config.executorConfig),
    default_timeout: config.defaultTimeout,
    default_max_retry: config.defaultMaxRetry,
    retry_strategy: config.retryStrategy.toUpperCase(),
    retry_delay: config.retryDelay,
    backoff_rate: config.backoffRate,
    max_concurrent: config.maxConcurrent,
    enabled: config.enabled,
    created_at: at,
    updated_at: at,
  };
}

export function workerFromRow(row: WorkerRow): WorkerInfo {
  return {
    workerId: row.worker_id,
    workerName: row.worker_name,
    address: row.address,
    status: row.status.toUpperCase() as WorkerStatus,
    capacity: row.capacity,
    currentLoad: row.current_load,
    supportedTypes: (parseJson(row.supported_types) as unknown[]).filter((t): t is string => typeof t === 'string'),
    weight: row.weight,
    lastHeartbeat: row.last_heartbeat,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export function workerRow(worker: WorkerInfo, createdAt: Date, updatedAt: Date): NewWorkerRow {
  return {
    worker_id: worker.workerId,
    worker_name: worker.workerName,
    address: worker.address,
    status: worker.status,
    capacity: worker.capacity,
    current_load: worker.currentLoad,
    supported_types: toJsonText([...worker.supportedTypes]),
    weight: worker.weight,
    last_heartbeat: worker.lastHeartbeat,
    created_at: createdAt,
    updated_at: updatedAt,
  };
}
