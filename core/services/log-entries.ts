import type { Task, TaskStatus } from '../domain/task.ts';
import { LogMessage, LogType, type NewTaskLog } from '../domain/task-log.ts';
import type { NewTask } from '../ports/storage.ts';

/** A STATE_CHANGE row for `task` moving `from` → `to`. */
export function stateLog(
  task: Pick<Task, 'taskId' | 'retryCount'>,
  from: TaskStatus | null,
  to: TaskStatus | null,
  message: string,
  at: Date,
  workerId: string | null,
): NewTaskLog {
  return {
    taskId: task.taskId,
    logType: 'STATE_CHANGE',
    fromStatus: from,
    toStatus: to,
    message,
    workerId,
    retryCount: task.retryCount,
    errorDetail: null,
    createdAt: at,
  };
}

export function infoLog(
  taskId: string,
  message: string,
  at: Date,
  workerId: string | null,
  detail: string | null = null,
): NewTaskLog {
  return {
    taskId,
    logType: 'INFO',
    fromStatus: null,
    toStatus: null,
    message,
    workerId,
    retryCount: null,
    errorDetail: detail,
    createdAt: at,
  };
}

/**
 * The rows every storage writes with a new task, in the same transaction: "Task created", and
 * when an API key created it, an INFO row naming the key (docs/api.md, "Authentication").
 */
export function creationLogs(task: NewTask): NewTaskLog[] {
  const created: NewTaskLog = {
    taskId: task.taskId,
    logType: LogType.STATE_CHANGE,
    fromStatus: null,
    toStatus: 'PENDING',
    message: LogMessage.created,
    workerId: null,
    retryCount: 0,
    errorDetail: null,
    createdAt: task.createdAt,
  };
  if (task.createdBy === undefined) return [created];
  return [created, infoLog(task.taskId, LogMessage.createdWithApiKey(task.createdBy), task.createdAt, null)];
}
