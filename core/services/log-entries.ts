import type { Task, TaskStatus } from '../domain/task.ts';
import type { NewTaskLog } from '../domain/task-log.ts';

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
