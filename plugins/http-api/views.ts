/** Domain objects (camelCase, Date) → API JSON (snake_case, RFC 3339 UTC with milliseconds). */
import type {
  QueueLengths,
  SchedulerStatus,
  Task,
  TaskLog,
  TaskStatus,
  TaskTypeConfig,
  WorkerView,
} from '../../core/index.ts';
import type { TaskJson, TaskLogJson, TaskTypeJson, WorkerJson } from './schemas.ts';

const iso = (date: Date | null | undefined): string | null => (date ? date.toISOString() : null);

export function taskJson(task: Task): TaskJson {
  return {
    task_id: task.taskId,
    task_type: task.taskType,
    priority: task.priority,
    status: task.status,
    payload: task.payload,
    result: task.result,
    error_msg: task.errorMsg,
    retry_count: task.retryCount,
    max_retry: task.maxRetry,
    timeout: task.timeout,
    worker_id: task.workerId,
    scheduled_at: task.scheduledAt.toISOString(),
    started_at: iso(task.startedAt),
    completed_at: iso(task.completedAt),
    created_at: task.createdAt.toISOString(),
    updated_at: task.updatedAt.toISOString(),
    progress: task.progress
      ? {
          percent: task.progress.percent,
          message: task.progress.message,
          updated_at: task.progress.updatedAt.toISOString(),
        }
      : null,
    ...(task.dependsOn !== undefined ? { depends_on: [...task.dependsOn] } : {}),
  };
}

export function taskLogJson(log: TaskLog): TaskLogJson {
  return {
    id: log.id,
    log_type: log.logType,
    from_status: log.fromStatus,
    to_status: log.toStatus,
    message: log.message,
    worker_id: log.workerId,
    retry_count: log.retryCount,
    error_detail: log.errorDetail,
    created_at: log.createdAt.toISOString(),
  };
}

export function taskTypeJson(type: TaskTypeConfig): TaskTypeJson {
  return {
    task_type: type.taskType,
    task_name: type.taskName,
    description: type.description,
    executor_type: type.executorType,
    executor_config: type.executorConfig,
    default_timeout: type.defaultTimeout,
    default_max_retry: type.defaultMaxRetry,
    retry_strategy: type.retryStrategy,
    retry_delay: type.retryDelay,
    backoff_rate: type.backoffRate,
    retry_jitter: type.retryJitter ?? 0,
    max_concurrent: type.maxConcurrent,
    enabled: type.enabled,
  };
}

export function workerJson(worker: WorkerView): WorkerJson {
  return {
    worker_id: worker.workerId,
    worker_name: worker.workerName,
    address: worker.address,
    status: worker.status,
    healthy: worker.healthy,
    capacity: worker.capacity,
    current_load: worker.currentLoad,
    in_flight: worker.inFlight,
    weight: worker.weight,
    supported_types: [...worker.supportedTypes],
    last_heartbeat: worker.lastHeartbeat.toISOString(),
    created_at: iso(worker.createdAt),
    updated_at: iso(worker.updatedAt),
  };
}

export function schedulerJson(status: SchedulerStatus) {
  return {
    leader_id: status.leaderId,
    is_leader: status.isLeader,
    scheduler_id: status.schedulerId,
    leader_since: iso(status.leaderSince),
    lock_ttl_ms: status.lockTtlMs,
  };
}

export function queuesJson(lengths: QueueLengths) {
  return {
    high: lengths.high,
    normal: lengths.normal,
    delayed: lengths.delayed,
    claimed: lengths.claimed,
    workers: lengths.workers,
  };
}

export function statsJson(countsByStatus: Record<TaskStatus, number>) {
  const total = Object.values(countsByStatus).reduce((sum, count) => sum + count, 0);
  return { tasks: { by_status: countsByStatus, total } };
}
