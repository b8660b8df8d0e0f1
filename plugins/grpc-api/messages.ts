/** Domain objects → the proto messages of proto/task_service.proto (proto-loader object form). */
import type { JsonObject, JsonValue, Task, TaskLog } from '../../core/index.ts';
import { toProtoStruct, toProtoValue, type ProtoStruct, type ProtoValue } from './struct.ts';

export interface ProtoTimestamp {
  seconds: number;
  nanos: number;
}

export interface TaskMessage {
  task_id: string;
  task_type: string;
  status: string;
  priority: number;
  payload: Record<string, string>;
  result: Record<string, string>;
  worker_id: string;
  retry_count: number;
  max_retry: number;
  error_message: string;
  created_at: ProtoTimestamp;
  started_at: ProtoTimestamp | null;
  completed_at: ProtoTimestamp | null;
  json_payload: ProtoStruct;
  json_result: ProtoValue | null;
  timeout: number;
  scheduled_at: ProtoTimestamp;
  updated_at: ProtoTimestamp;
  progress: { percent: number; message: string; updated_at: ProtoTimestamp } | null;
  depends_on: string[];
}

export interface TaskLogMessage {
  log_id: string;
  task_id: string;
  log_type: string;
  from_status: string;
  to_status: string;
  message: string;
  worker_id: string;
  created_at: ProtoTimestamp;
  retry_count: number;
  error_detail: string;
}

export function timestamp(date: Date): ProtoTimestamp {
  const ms = date.getTime();
  const seconds = Math.floor(ms / 1000);
  return { seconds, nanos: (ms - seconds * 1000) * 1_000_000 };
}

export function dateOf(value: ProtoTimestamp | { seconds?: number | string; nanos?: number }): Date {
  return new Date(Number(value.seconds ?? 0) * 1000 + Math.round((value.nanos ?? 0) / 1_000_000));
}

/** The original proto's map<string,string> form: strings as they are, anything else as JSON text. */
export function stringMap(object: JsonObject): Record<string, string> {
  const map: Record<string, string> = {};
  for (const [key, value] of Object.entries(object))
    map[key] = typeof value === 'string' ? value : JSON.stringify(value);
  return map;
}

function resultMap(result: JsonValue | null): Record<string, string> {
  if (result === null) return {};
  if (typeof result === 'object' && !Array.isArray(result)) return stringMap(result);
  return { value: typeof result === 'string' ? result : JSON.stringify(result) };
}

export function taskMessage(task: Task): TaskMessage {
  return {
    task_id: task.taskId,
    task_type: task.taskType,
    status: task.status,
    priority: task.priority,
    payload: stringMap(task.payload),
    result: resultMap(task.result),
    worker_id: task.workerId ?? '',
    retry_count: task.retryCount,
    max_retry: task.maxRetry,
    error_message: task.errorMsg ?? '',
    created_at: timestamp(task.createdAt),
    started_at: task.startedAt ? timestamp(task.startedAt) : null,
    completed_at: task.completedAt ? timestamp(task.completedAt) : null,
    json_payload: toProtoStruct(task.payload),
    json_result: task.result === null ? null : toProtoValue(task.result),
    timeout: task.timeout,
    scheduled_at: timestamp(task.scheduledAt),
    updated_at: timestamp(task.updatedAt),
    progress: task.progress
      ? {
          percent: task.progress.percent,
          message: task.progress.message ?? '',
          updated_at: timestamp(task.progress.updatedAt),
        }
      : null,
    depends_on: task.dependsOn ? [...task.dependsOn] : [],
  };
}

export function taskLogMessage(log: TaskLog): TaskLogMessage {
  return {
    log_id: String(log.id),
    task_id: log.taskId,
    log_type: log.logType,
    from_status: log.fromStatus ?? '',
    to_status: log.toStatus ?? '',
    message: log.message,
    worker_id: log.workerId ?? '',
    created_at: timestamp(log.createdAt),
    retry_count: log.retryCount ?? 0,
    error_detail: log.errorDetail ?? '',
  };
}
