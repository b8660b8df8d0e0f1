/**
 * The API's shapes, written once: they validate requests, type the handlers and produce the
 * OpenAPI document. Field names are snake_case (docs/design.md#task-model); messages name the rule, the error
 * mapping adds the field path.
 */
import { z } from '@hono/zod-openapi';
import {
  ALL_STATUSES,
  DEFAULT_BULK_LIMIT,
  MAX_BULK_LIMIT,
  MAX_DEPENDENCIES,
  TASK_TYPE_PATTERN,
} from '../../core/index.ts';

const MAX_TIMEOUT_SECONDS = 7 * 86_400;
const NAME_RULE = 'must be 1–64 characters of [A-Za-z0-9_.:-]';
const RFC3339 = 'must be an RFC 3339 date-time such as 2026-01-01T10:00:00Z';

const jsonObject = () => z.record(z.string(), z.unknown(), { error: 'must be a JSON object' });
const integerIn = (min: number, max: number, rule = `must be an integer from ${min} to ${max}`) =>
  z.int({ error: rule }).min(min, { error: rule }).max(max, { error: rule });
const dateTime = () => z.iso.datetime({ offset: true, error: RFC3339 });
const TIME_RANGE = 'must be between 1970-01-01T00:00:00Z and 9999-12-31T23:59:59Z';
/** A time filter every storage can compare exactly (MySQL's DATETIME misreads years before 1000). */
const filterTime = () =>
  dateTime().refine(
    (value) => {
      const ms = Date.parse(value);
      return ms >= 0 && ms <= Date.UTC(9999, 11, 31, 23, 59, 59, 999);
    },
    { error: TIME_RANGE },
  );

// ---------------------------------------------------------------- requests

export const createTaskBodySchema = z
  .strictObject({
    task_type: z.string({ error: `is required and ${NAME_RULE}` }).regex(TASK_TYPE_PATTERN, { error: NAME_RULE }),
    priority: integerIn(0, 1, 'must be 0 (NORMAL) or 1 (HIGH)').nullish().openapi({ example: 0 }),
    payload: jsonObject().openapi({ example: { to: 'user@example.com' } }),
    timeout: integerIn(1, MAX_TIMEOUT_SECONDS)
      .nullish()
      .openapi({ description: 'Seconds; overrides the type default.' }),
    max_retry: integerIn(0, 1000).nullish().openapi({ description: 'Overrides the type default.' }),
    delay: z
      .number({ error: 'must be a number of seconds ≥ 0' })
      .min(0, { error: 'must be a number of seconds ≥ 0' })
      .max(366 * 86_400, { error: 'must be at most one year' })
      .nullish()
      .openapi({ description: 'Run no earlier than now + delay seconds.' }),
    run_at: dateTime().nullish().openapi({ description: 'Run no earlier than this time.' }),
    idempotency_key: z
      .string({ error: NAME_RULE })
      .regex(TASK_TYPE_PATTERN, { error: NAME_RULE })
      .nullish()
      .openapi({ description: 'Becomes the task_id; creating twice with one key returns the first task.' }),
    depends_on: z
      .array(z.string({ error: 'must be a task_id' }).regex(TASK_TYPE_PATTERN, { error: 'must be a task_id' }), {
        error: 'must be an array of task ids',
      })
      .max(MAX_DEPENDENCIES, { error: `may name at most ${MAX_DEPENDENCIES} tasks` })
      .nullish()
      .openapi({
        description:
          'Existing tasks that must all be SUCCESS before this one runs; when one ends otherwise, this task is cancelled. An unknown id is a 40001.',
      }),
    depends_on_index: z
      .array(integerIn(0, 100_000, 'must be the index of an earlier item of the batch'), {
        error: 'must be an array of batch indexes',
      })
      .max(MAX_DEPENDENCIES, { error: `may name at most ${MAX_DEPENDENCIES} tasks` })
      .nullish()
      .openapi({ description: 'Batch only: indexes of earlier items of the same batch this task waits for.' }),
  })
  .openapi('CreateTaskRequest');
export type CreateTaskBody = z.infer<typeof createTaskBodySchema>;

export function batchBodySchema(limit: number) {
  const rule = `must hold 1 to ${limit} tasks`;
  return z
    .strictObject({
      tasks: z.array(createTaskBodySchema, { error: rule }).min(1, { error: rule }).max(limit, { error: rule }),
    })
    .openapi('CreateTasksBatchRequest');
}

const statusList = new RegExp(`^(${ALL_STATUSES.join('|')})(,(${ALL_STATUSES.join('|')}))*$`);

const STATUS_LIST_RULE = `must be a comma-separated list of ${ALL_STATUSES.join(', ')}`;

/** POST /tasks/retry and /tasks/cancel (SPEC §8.4). */
export const bulkBodySchema = z
  .strictObject({
    filter: z
      .strictObject({
        status: z.string({ error: STATUS_LIST_RULE }).regex(statusList, { error: STATUS_LIST_RULE }).nullish().openapi({
          example: 'FAILED,TIMEOUT',
          description: 'Narrows the statuses the move starts from (others match nothing).',
        }),
        task_type: z.string({ error: NAME_RULE }).regex(TASK_TYPE_PATTERN, { error: NAME_RULE }).nullish(),
        created_from: filterTime().nullish(),
        created_to: filterTime().nullish(),
      })
      .nullish(),
    limit: integerIn(1, MAX_BULK_LIMIT)
      .nullish()
      .openapi({ description: `Most tasks moved by this call, 1..${MAX_BULK_LIMIT}, default ${DEFAULT_BULK_LIMIT}.` }),
  })
  .openapi('BulkTaskRequest');
export type BulkBody = z.infer<typeof bulkBodySchema>;

export const bulkResultSchema = z
  .object({ count: z.int().openapi({ description: 'Tasks moved (a task that changed status meanwhile is skipped).' }) })
  .openapi('BulkTaskResult');

export const listTasksQuerySchema = z.object({
  status: z
    .string()
    .regex(statusList, { error: `must be a comma-separated list of ${ALL_STATUSES.join(', ')}` })
    .optional()
    .openapi({ example: 'PENDING,PROCESSING' }),
  task_type: z.string().regex(TASK_TYPE_PATTERN, { error: NAME_RULE }).optional(),
  priority: z.enum(['0', '1'], { error: 'must be 0 or 1' }).optional(),
  worker_id: z.string().min(1).max(128).optional(),
  created_from: filterTime().optional(),
  created_to: filterTime().optional(),
  limit: z
    .string()
    .regex(/^\d+$/, { error: 'must be an integer from 1 to 1000' })
    .refine((v) => Number(v) >= 1 && Number(v) <= 1000, { error: 'must be an integer from 1 to 1000' })
    .optional()
    .openapi({ example: '50', description: '1..1000, default 50.' }),
  cursor: z.string().min(1).max(1024).optional().openapi({ description: 'next_cursor of the previous page.' }),
});

export const taskIdParamSchema = z.object({
  id: z
    .string()
    .min(1)
    .max(255)
    .openapi({ param: { name: 'id', in: 'path' }, example: '3f0c…' }),
});

export const taskTypeParamSchema = z.object({
  type: z
    .string()
    .regex(TASK_TYPE_PATTERN, { error: NAME_RULE })
    .openapi({ param: { name: 'type', in: 'path' }, example: 'send_email' }),
});

/** PUT creates or updates: fields left out keep their current value (or the default for a new type). */
export const putTaskTypeBodySchema = z
  .strictObject({
    task_name: z.string().min(1).max(128).optional(),
    description: z.string().max(1024).nullable().optional(),
    executor_type: z.string().min(1).max(64).optional().openapi({ description: 'Required when the type is new.' }),
    executor_config: jsonObject().optional(),
    default_timeout: integerIn(1, MAX_TIMEOUT_SECONDS).optional(),
    default_max_retry: integerIn(0, 1000).optional(),
    retry_strategy: z
      .string()
      .regex(/^(fixed|exponential)$/i, { error: 'must be FIXED or EXPONENTIAL' })
      .optional()
      .openapi({ example: 'EXPONENTIAL' }),
    retry_delay: z.number().min(0).max(86_400).optional().openapi({ description: 'Seconds.' }),
    backoff_rate: z.number().min(1).max(9.99).optional(),
    retry_jitter: z.number().min(0).max(1).optional(),
    max_concurrent: integerIn(0, 1_000_000).optional(),
    enabled: z.boolean({ error: 'must be true or false' }).optional(),
  })
  .openapi('PutTaskTypeRequest');
export type PutTaskTypeBody = z.infer<typeof putTaskTypeBodySchema>;

// ---------------------------------------------------------------- responses

const timestamp = z.string().openapi({ format: 'date-time', example: '2026-01-01T10:00:00.000Z' });
const status = z.enum(ALL_STATUSES as [string, ...string[]]);

const progressSchema = z
  .object({
    percent: z.int().min(0).max(100),
    message: z.string().nullable(),
    updated_at: timestamp,
  })
  .openapi('TaskProgress', {
    description:
      "The running attempt's last reported progress (ctx.progress); null when none was reported or the task went back to PENDING",
  });

export const taskSchema = z
  .object({
    task_id: z.string(),
    task_type: z.string(),
    priority: z.int(),
    status,
    payload: z.record(z.string(), z.unknown()),
    result: z.unknown().nullable(),
    error_msg: z.string().nullable(),
    retry_count: z.int(),
    max_retry: z.int(),
    timeout: z.int(),
    worker_id: z.string().nullable(),
    scheduled_at: timestamp,
    started_at: timestamp.nullable(),
    completed_at: timestamp.nullable(),
    created_at: timestamp,
    updated_at: timestamp,
    progress: progressSchema.nullable(),
    depends_on: z.array(z.string()).optional().openapi({
      description: 'GET /tasks/{id} only: the tasks this one waits for, in the order given ([] when none).',
    }),
  })
  .openapi('Task');
export type TaskJson = z.infer<typeof taskSchema>;

export const createdTaskSchema = z
  .object({
    task_id: z.string(),
    status,
    created: z.boolean().openapi({ description: 'false when the idempotency key matched an existing task' }),
  })
  .openapi('CreatedTask');

export const batchCreatedSchema = z
  .object({
    task_ids: z.array(z.string()),
    tasks: z.array(z.object({ task_id: z.string(), created: z.boolean() })),
  })
  .openapi('CreatedTasksBatch');

export const taskPageSchema = z
  .object({ items: z.array(taskSchema), next_cursor: z.string().nullable() })
  .openapi('TaskPage');

export const taskLogSchema = z
  .object({
    id: z.int(),
    log_type: z.string(),
    from_status: status.nullable(),
    to_status: status.nullable(),
    message: z.string(),
    worker_id: z.string().nullable(),
    retry_count: z.int().nullable(),
    error_detail: z.string().nullable(),
    created_at: timestamp,
  })
  .openapi('TaskLog');
export type TaskLogJson = z.infer<typeof taskLogSchema>;

export const taskTypeSchema = z
  .object({
    task_type: z.string(),
    task_name: z.string(),
    description: z.string().nullable(),
    executor_type: z.string(),
    executor_config: z.record(z.string(), z.unknown()),
    default_timeout: z.int(),
    default_max_retry: z.int(),
    retry_strategy: z.enum(['FIXED', 'EXPONENTIAL']),
    retry_delay: z.number(),
    backoff_rate: z.number(),
    retry_jitter: z.number(),
    max_concurrent: z.int(),
    enabled: z.boolean(),
  })
  .openapi('TaskType');
export type TaskTypeJson = z.infer<typeof taskTypeSchema>;

export const workerSchema = z
  .object({
    worker_id: z.string(),
    worker_name: z.string(),
    address: z.string(),
    status: z.enum(['ONLINE', 'OFFLINE']),
    healthy: z.boolean(),
    capacity: z.int(),
    current_load: z.int(),
    in_flight: z.int(),
    weight: z.int(),
    supported_types: z.array(z.string()),
    last_heartbeat: timestamp,
    created_at: timestamp.nullable(),
    updated_at: timestamp.nullable(),
  })
  .openapi('Worker');
export type WorkerJson = z.infer<typeof workerSchema>;

export const schedulerSchema = z
  .object({
    leader_id: z.string().nullable(),
    is_leader: z.boolean(),
    scheduler_id: z.string().nullable(),
    leader_since: timestamp.nullable(),
    lock_ttl_ms: z.int(),
  })
  .openapi('SchedulerStatus');

export const queuesSchema = z
  .object({
    high: z.int(),
    normal: z.int(),
    delayed: z.int(),
    claimed: z.int(),
    workers: z.record(z.string(), z.object({ queued: z.int(), processing: z.int() })),
  })
  .openapi('QueueLengths');

const countsByStatus = Object.fromEntries(ALL_STATUSES.map((status) => [status, z.int()])) as Record<
  (typeof ALL_STATUSES)[number],
  z.ZodInt
>;

export const statsSchema = z
  .object({
    tasks: z.object({
      by_status: z.object(countsByStatus).openapi({ description: 'Stored tasks per status; every status is present' }),
      total: z.int(),
    }),
  })
  .openapi('Stats');

export const healthSchema = z.object({ status: z.literal('ok') });
export const readinessSchema = z
  .object({ status: z.enum(['ready', 'not_ready']), checks: z.record(z.string(), z.string()) })
  .openapi('Readiness');
