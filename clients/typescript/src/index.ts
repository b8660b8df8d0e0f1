/** The async-task-manager TypeScript client (docs/clients.md). */
export { TaskManagerClient, type TaskManagerClientOptions, type WaitOptions } from './client.ts';
export { TaskManagerError, WaitTimeoutError } from './errors.ts';
export {
  FINAL_STATUSES,
  isFinal,
  type BulkTaskRequest,
  type BulkTaskResult,
  type CreatedTask,
  type CreatedTasksBatch,
  type CreateTaskRequest,
  type ErrorBody,
  type ListTasksQuery,
  type QueueLengths,
  type Schedule,
  type SchedulerStatus,
  type Stats,
  type Task,
  type TaskLog,
  type TaskPage,
  type TaskStatus,
  type TaskType,
  type Worker,
} from './types.ts';
export type { components, paths } from './openapi-types.ts';
