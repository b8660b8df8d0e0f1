/** The shapes of the schedule API (docs/api.md, "Schedules"); see schemas.ts for the conventions. */
import { z } from '@hono/zod-openapi';

const integerIn = (min: number, max: number, rule = `must be an integer from ${min} to ${max}`) =>
  z.int({ error: rule }).min(min, { error: rule }).max(max, { error: rule });
const timestamp = z.string().openapi({ format: 'date-time', example: '2026-01-01T10:00:00.000Z' });

const templateFields = {
  task_type: z.string().min(1).max(64).openapi({ example: 'send_email' }),
  payload: z.record(z.string(), z.unknown(), { error: 'must be a JSON object' }).optional(),
  priority: integerIn(0, 1, 'must be 0 (NORMAL) or 1 (HIGH)').optional(),
  timeout: integerIn(1, 7 * 86_400)
    .optional()
    .openapi({ description: 'Seconds; overrides the type default.' }),
  max_retry: integerIn(0, 1000).optional(),
};

export const createScheduleBodySchema = z
  .strictObject({
    schedule_id: z.string().optional().openapi({
      description: '1–39 characters of [A-Za-z0-9_.:-]; generated when left out.',
      example: 'nightly-report',
    }),
    cron: z
      .string()
      .min(1)
      .max(255)
      .openapi({ description: '5 fields, or 6 with seconds first.', example: '0 3 * * *' }),
    timezone: z
      .string()
      .max(64)
      .optional()
      .openapi({ description: 'IANA time zone; UTC by default.', example: 'Europe/Paris' }),
    task: z.strictObject(templateFields).openapi('ScheduledTask'),
    enabled: z
      .boolean({ error: 'must be true or false' })
      .optional()
      .openapi({ description: 'false creates it paused.' }),
  })
  .openapi('CreateScheduleRequest');
export type CreateScheduleBody = z.infer<typeof createScheduleBodySchema>;

export const scheduleIdParamSchema = z.object({
  id: z
    .string()
    .min(1)
    .max(39)
    .openapi({ param: { name: 'id', in: 'path' }, example: 'nightly-report' }),
});

export const scheduleSchema = z
  .object({
    schedule_id: z.string(),
    cron: z.string(),
    timezone: z.string(),
    task: z.object({ ...templateFields, payload: z.record(z.string(), z.unknown()) }),
    enabled: z.boolean(),
    next_run_at: timestamp.nullable().openapi({ description: 'null while paused.' }),
    last_run_at: timestamp.nullable(),
    created_at: timestamp,
    updated_at: timestamp,
  })
  .openapi('Schedule');
export type ScheduleJson = z.infer<typeof scheduleSchema>;
