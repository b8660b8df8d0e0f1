import { z } from 'zod';
import { findJsonProblem } from '../domain/json-limits.ts';
import { TASK_TYPE_PATTERN } from '../domain/task.ts';
import { boolean, duration, integer } from './value-schemas.ts';

export const ROLES = ['api', 'scheduler', 'worker'] as const;
export type Role = (typeof ROLES)[number];

/** Environment values arrive as "a,b,c". */
function commaList(value: unknown): unknown {
  return typeof value === 'string'
    ? value
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean)
    : value;
}

const jsonObject = z.record(z.string(), z.unknown());

/** A JSON object every storage can hold (depth, text: docs/api.md, "Limits"). */
const storableJsonObject = jsonObject.superRefine((value, ctx) => {
  const problem = findJsonProblem(value, 'executorConfig');
  if (problem) ctx.addIssue({ code: 'custom', message: `${problem.path} ${problem.message}` });
});

/** A task type as written in config (camelCase; durations in seconds like the table). */
export const taskTypeSchema = z.object({
  taskType: z.string().regex(TASK_TYPE_PATTERN, 'task type: 1–64 characters of [A-Za-z0-9_.:-]'),
  taskName: z.string().min(1).max(128).optional(),
  description: z.string().nullable().optional(),
  executorType: z.string().min(1).max(64),
  executorConfig: storableJsonObject.default({}),
  defaultTimeout: integer(1, 86_400 * 7).default(300),
  defaultMaxRetry: integer(0, 1000).default(3),
  retryStrategy: z
    .string()
    .transform((s) => s.toUpperCase())
    .pipe(z.enum(['FIXED', 'EXPONENTIAL']))
    .default('FIXED'),
  retryDelay: z.coerce.number().min(0).max(86_400).default(10),
  backoffRate: z.coerce.number().min(1).max(9.99).default(2),
  retryJitter: z.coerce.number().min(0).max(1).default(0),
  maxConcurrent: integer(0, 1_000_000).default(10),
  enabled: boolean().default(true),
  /**
   * At most `max` tasks of this type dispatched per `per` (a duration) across the cluster;
   * tasks past it wait PENDING for the next window. Absent or null: no limit.
   */
  rateLimit: z
    .strictObject({ max: integer(1, 1_000_000_000), per: duration().pipe(z.number().min(1).max(86_400_000)) })
    .nullable()
    .optional(),
});
export type TaskTypeInput = z.input<typeof taskTypeSchema>;

/**
 * The core's own sections. The `plugins` list is added by the runtime (core/runtime/app-config.ts),
 * which is the only layer that knows what a plugin is.
 */
export const coreConfigSchema = z.object({
  app: z
    .strictObject({
      name: z.string().default('async-task-manager'),
      port: integer(0, 65_535).default(8080),
      /** Loopback by default: a server reachable from elsewhere is a choice (TM_APP_HOST=0.0.0.0, with API keys). */
      host: z.string().default('127.0.0.1'),
      /** Part of the scheduler id and the worker id; TM_NODE_ID. */
      nodeId: z
        .string()
        .min(1)
        .max(40)
        .regex(/^[A-Za-z0-9_.-]+$/)
        .optional(),
      /** Publish events to other processes over the coordination bridge (`task:events`). */
      crossProcessEvents: boolean().default(true),
      logLevel: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']).default('info'),
      /** Re-read the config file when it changes and apply what can change live (docs/operations.md). */
      watchConfig: boolean().default(false),
    })
    .prefault({}),
  /** Which parts this process runs; TM_ROLES="api,worker". Default: all. */
  roles: z.preprocess(commaList, z.array(z.enum(ROLES)).min(1)).default([...ROLES]),
  scheduler: z
    .strictObject({
      enabled: boolean().default(true),
      leaderLockKey: z.string().default('scheduler:leader'),
      leaderLockTtl: duration().default(10_000),
      leaderRenewInterval: duration().default(3_000),
      scanInterval: duration().default(100),
      batchSize: integer(1, 10_000).default(200),
      timeoutCheckInterval: duration().default(30_000),
      healthCheckInterval: duration().default(5_000),
      reconcileInterval: duration().default(30_000),
      /** A PENDING task this long past its scheduled_at and in no queue is re-enqueued. */
      reconcileGrace: duration().default(10_000),
      loadBalancer: z.string().default('least_task'),
      /**
       * Tasks a worker may hold beyond its capacity (queued for it, or taken ahead), so it never
       * idles while the leader refills it. "auto": sized by what the worker completes in a few
       * scheduling rounds (hundreds for short tasks, none for long ones). A number: that
       * multiple of its capacity; 0 = dispatch only into free slots.
       */
      prefetch: z.union([z.literal('auto'), z.coerce.number().min(0).max(10)]).default('auto'),
      /** Global cap on dispatches per second; 0 = none. */
      maxDispatchRate: integer(0, 10_000_000).default(0),
      /** How often the leader looks for due schedules at most (it also wakes at the next fire time). */
      schedulePollInterval: duration().default(1_000),
      /**
       * After downtime, how many missed fire times of one schedule the leader fires (the newest);
       * the older ones are skipped and counted. 1 = one catch-up run.
       */
      scheduleCatchUp: integer(1, 1_000).default(1),
    })
    .prefault({}),
  worker: z
    .strictObject({
      enabled: boolean().default(true),
      id: z.string().min(1).max(64).optional(),
      name: z.string().min(1).max(128).optional(),
      address: z.string().max(256).optional(),
      capacity: integer(1, 10_000).default(10),
      weight: integer(1, 1000).default(1),
      supportedTypes: z.preprocess(commaList, z.array(z.string().min(1))).optional(),
      heartbeatInterval: duration().default(10_000),
      heartbeatTimeout: duration().default(30_000),
      gracefulShutdownTimeout: duration().default(30_000),
      /** How long one blocking take waits before the loop checks for shutdown. */
      takeWait: duration().default(1_000),
    })
    .prefault({}),
  /**
   * How long finished tasks (and their logs) are kept before the leader deletes them, by final
   * status; 0 keeps them forever (docs/configuration.md, "retention").
   */
  retention: z
    .strictObject({
      completed: duration().default(7 * 86_400_000),
      failed: duration().default(30 * 86_400_000),
      cancelled: duration().default(7 * 86_400_000),
      interval: duration().default(60_000),
      /** Tasks deleted per storage call; a pass deletes batch after batch until none is left. */
      batchSize: integer(1, 100_000).default(1_000),
    })
    .prefault({}),
  taskTypes: z.array(taskTypeSchema).default([]),
});

/** The core sections as the services read them (the runtime's ResolvedConfig adds plugins and their sections). */
export type CoreConfig = z.output<typeof coreConfigSchema>;
