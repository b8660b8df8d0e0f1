import { createRoute, z } from '@hono/zod-openapi';
import type { ScheduleService } from '../../../core/index.ts';
import { envelopeSchema, success } from '../envelope.ts';
import {
  type CreateScheduleBody,
  createScheduleBodySchema,
  scheduleIdParamSchema,
  scheduleSchema,
} from '../schedule-schemas.ts';
import { scheduleJson } from '../views.ts';
import { API_PREFIX, errorResponses, jsonBody, jsonContent, type ApiApp } from './shared.ts';

const tags = ['schedules'];

/** Cron schedules (docs/api.md, "Schedules"): only the leader fires them, one task per fire time. */
export function registerScheduleRoutes(app: ApiApp, schedules: ScheduleService): void {
  app.openapi(
    createRoute({
      method: 'post',
      path: `${API_PREFIX}/schedules`,
      tags,
      summary: 'Create a cron schedule',
      request: { body: jsonBody(createScheduleBodySchema) },
      responses: {
        201: jsonContent(envelopeSchema(scheduleSchema), 'The schedule, with its first next_run_at'),
        ...errorResponses(400, 401, 409, 500, 503),
      },
    }),
    async (c) => c.json(success(scheduleJson(await schedules.create(toInput(c.req.valid('json'))))), 201),
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: `${API_PREFIX}/schedules`,
      tags,
      summary: 'List every schedule, by schedule_id',
      responses: {
        200: jsonContent(envelopeSchema(z.array(scheduleSchema)), 'Every schedule'),
        ...errorResponses(401, 500),
      },
    }),
    async (c) => c.json(success((await schedules.listAll()).map(scheduleJson)), 200),
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: `${API_PREFIX}/schedules/{id}`,
      tags,
      summary: 'Get a schedule',
      request: { params: scheduleIdParamSchema },
      responses: {
        200: jsonContent(envelopeSchema(scheduleSchema), 'The schedule'),
        ...errorResponses(401, 404, 500),
      },
    }),
    async (c) => c.json(success(scheduleJson(await schedules.get(c.req.valid('param').id))), 200),
  );

  app.openapi(
    createRoute({
      method: 'delete',
      path: `${API_PREFIX}/schedules/{id}`,
      tags,
      summary: 'Delete a schedule (tasks it fired stay)',
      request: { params: scheduleIdParamSchema },
      responses: {
        200: jsonContent(envelopeSchema(z.object({ schedule_id: z.string() })), 'Deleted'),
        ...errorResponses(401, 404, 500),
      },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      await schedules.delete(id);
      return c.json(success({ schedule_id: id }, 'Schedule deleted'), 200);
    },
  );

  for (const action of ['pause', 'resume'] as const) {
    app.openapi(
      createRoute({
        method: 'post',
        path: `${API_PREFIX}/schedules/{id}/${action}`,
        tags,
        summary:
          action === 'pause'
            ? 'Pause a schedule (no fires until resumed)'
            : 'Resume a schedule from its next fire time after now (missed ones are not caught up)',
        request: { params: scheduleIdParamSchema },
        responses: {
          200: jsonContent(envelopeSchema(scheduleSchema), 'The schedule'),
          ...errorResponses(401, 404, 500),
        },
      }),
      async (c) => {
        const { id } = c.req.valid('param');
        const schedule = action === 'pause' ? await schedules.pause(id) : await schedules.resume(id);
        return c.json(success(scheduleJson(schedule)), 200);
      },
    );
  }
}

function toInput(body: CreateScheduleBody) {
  const { task } = body;
  return {
    ...(body.schedule_id !== undefined ? { scheduleId: body.schedule_id } : {}),
    cron: body.cron,
    ...(body.timezone !== undefined ? { timezone: body.timezone } : {}),
    ...(body.enabled !== undefined ? { enabled: body.enabled } : {}),
    task: {
      taskType: task.task_type,
      ...(task.payload !== undefined ? { payload: task.payload as never } : {}),
      ...(task.priority !== undefined ? { priority: task.priority } : {}),
      ...(task.timeout !== undefined ? { timeout: task.timeout } : {}),
      ...(task.max_retry !== undefined ? { maxRetry: task.max_retry } : {}),
    },
  };
}
