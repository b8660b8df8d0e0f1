/** The API's shapes, named: every type comes from the generated openapi-types.ts. */
import type { components, paths } from './openapi-types.ts';

type Schemas = components['schemas'];

export type Task = Schemas['Task'];
export type TaskStatus = Task['status'];
export type TaskLog = Schemas['TaskLog'];
export type CreateTaskRequest = Schemas['CreateTaskRequest'];
export type CreatedTask = Schemas['CreatedTask'];
export type CreatedTasksBatch = Schemas['CreatedTasksBatch'];
export type TaskPage = Schemas['TaskPage'];
export type ErrorBody = Schemas['Error'];
export type TaskType = Schemas['TaskType'];
export type Worker = Schemas['Worker'];
export type SchedulerStatus = Schemas['SchedulerStatus'];
export type QueueLengths = Schemas['QueueLengths'];
export type Stats = Schemas['Stats'];
/** Body of POST /api/v1/tasks/retry and /cancel: `{filter: {status?, task_type?, created_from?, created_to?}, limit?}`. */
export type BulkTaskRequest = Schemas['BulkTaskRequest'];
export type BulkTaskResult = Schemas['BulkTaskResult'];
/**
 * A cron schedule as GET /api/v1/schedules returns it. Servers without schedules answer 404
 * (40402); the OpenAPI document does not describe schedules yet, so the fields are not typed.
 */
export type Schedule = { schedule_id: string } & Record<string, unknown>;
/** Filters of GET /api/v1/tasks; `cursor` is handled by listTasks. */
export type ListTasksQuery = Omit<NonNullable<paths['/api/v1/tasks']['get']['parameters']['query']>, 'cursor'>;

/** SUCCESS and CANCELLED, and FAILED / TIMEOUT once stored (a retry goes back to PENDING in one step). */
export const FINAL_STATUSES: readonly TaskStatus[] = ['SUCCESS', 'FAILED', 'TIMEOUT', 'CANCELLED'];

export function isFinal(status: TaskStatus): boolean {
  return FINAL_STATUSES.includes(status);
}
