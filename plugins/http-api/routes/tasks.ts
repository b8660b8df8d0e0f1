import { createRoute, z } from '@hono/zod-openapi';
import {
  InvalidParameterError,
  parseStatusList,
  type BulkFilter,
  type CreateTaskInput,
  type TaskFilter,
} from '../../../core/index.ts';
import { envelopeSchema, success } from '../envelope.ts';
import {
  batchBodySchema,
  bulkBodySchema,
  bulkResultSchema,
  batchCreatedSchema,
  createdTaskSchema,
  createTaskBodySchema,
  listTasksQuerySchema,
  taskIdParamSchema,
  taskLogSchema,
  taskPageSchema,
  taskSchema,
  type BulkBody,
  type CreateTaskBody,
} from '../schemas.ts';
import { taskJson, taskLogJson } from '../views.ts';
import { API_PREFIX, errorResponses, jsonBody, jsonContent, type ApiApp, type RouteDeps } from './shared.ts';

const tags = ['tasks'];
const traceParentHeader = z.string().optional().openapi({
  description:
    'A W3C trace context: while tracing is on, the parent of the task.create span of each task created (docs/operations.md, "Tracing"). An unreadable value is ignored.',
  example: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
});
const createHeaders = z.object({
  'idempotency-key': z.string().optional().openapi({ description: 'Same as the body field idempotency_key.' }),
  traceparent: traceParentHeader,
});
const batchHeaders = z.object({ traceparent: traceParentHeader });

export function registerTaskRoutes(app: ApiApp, { tasks }: RouteDeps, batchLimit: number): void {
  app.openapi(
    createRoute({
      method: 'post',
      path: `${API_PREFIX}/tasks`,
      tags,
      summary: 'Create a task',
      request: { headers: createHeaders, body: jsonBody(createTaskBodySchema) },
      responses: {
        201: jsonContent(envelopeSchema(createdTaskSchema), 'Task created'),
        200: jsonContent(envelopeSchema(createdTaskSchema), 'The idempotency key matched an existing task'),
        ...errorResponses(400, 401, 413, 500, 503),
      },
    }),
    async (c) => {
      const headers = c.req.valid('header');
      const input = toCreateInput(
        c.req.valid('json'),
        c.get('apiKey'),
        headers.traceparent,
        headers['idempotency-key'],
      );
      const { task, created } = await tasks.create(input);
      const data = { task_id: task.taskId, status: task.status, created };
      return created ? c.json(success(data), 201) : c.json(success(data), 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: `${API_PREFIX}/tasks/batch`,
      tags,
      summary: `Create up to ${batchLimit} tasks at once; nothing is created when one is invalid`,
      request: { headers: batchHeaders, body: jsonBody(batchBodySchema(batchLimit)) },
      responses: {
        201: jsonContent(envelopeSchema(batchCreatedSchema), 'Tasks created (or matched by idempotency key)'),
        ...errorResponses(400, 401, 413, 500, 503),
      },
    }),
    async (c) => {
      const traceParent = c.req.valid('header').traceparent;
      const results = await tasks.createMany(
        c.req.valid('json').tasks.map((body) => toCreateInput(body, c.get('apiKey'), traceParent)),
      );
      return c.json(
        success({
          task_ids: results.map((r) => r.task.taskId),
          tasks: results.map((r) => ({ task_id: r.task.taskId, created: r.created })),
        }),
        201,
      );
    },
  );

  for (const action of ['retry', 'cancel'] as const) {
    app.openapi(
      createRoute({
        method: 'post',
        path: `${API_PREFIX}/tasks/${action}`,
        tags,
        summary:
          action === 'retry'
            ? 'Retry every FAILED or TIMEOUT task a filter matches, in bounded batches'
            : 'Cancel every PENDING or PROCESSING task a filter matches, in bounded batches',
        request: { body: jsonBody(bulkBodySchema) },
        responses: {
          200: jsonContent(envelopeSchema(bulkResultSchema), 'How many tasks moved'),
          ...errorResponses(400, 401, 403, 413, 500, 503),
        },
      }),
      async (c) => {
        const body = c.req.valid('json');
        const filter = toBulkFilter(body);
        const limit = body.limit ?? undefined;
        const count = action === 'retry' ? await tasks.retryMany(filter, limit) : await tasks.cancelMany(filter, limit);
        return c.json(success({ count }), 200);
      },
    );
  }

  app.openapi(
    createRoute({
      method: 'get',
      path: `${API_PREFIX}/tasks`,
      tags,
      summary: 'List tasks, newest first, with filters and cursor pagination',
      request: { query: listTasksQuerySchema },
      responses: {
        200: jsonContent(envelopeSchema(taskPageSchema), 'One page of tasks'),
        ...errorResponses(400, 401, 500),
      },
    }),
    async (c) => {
      const query = c.req.valid('query');
      const filter: TaskFilter = {};
      const statuses = parseStatusList(query.status ?? '');
      if (statuses) filter.status = statuses;
      if (query.task_type) filter.taskType = query.task_type;
      if (query.priority) filter.priority = query.priority === '1' ? 1 : 0;
      if (query.worker_id) filter.workerId = query.worker_id;
      if (query.created_from) filter.createdFrom = new Date(query.created_from);
      if (query.created_to) filter.createdTo = new Date(query.created_to);
      const page = await tasks.list(filter, { limit: query.limit ? Number(query.limit) : 50, cursor: query.cursor });
      return c.json(success({ items: page.items.map(taskJson), next_cursor: page.nextCursor ?? null }), 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: `${API_PREFIX}/tasks/{id}`,
      tags,
      summary: 'Get a task',
      request: { params: taskIdParamSchema },
      responses: { 200: jsonContent(envelopeSchema(taskSchema), 'The task'), ...errorResponses(401, 404, 500) },
    }),
    async (c) => c.json(success(taskJson(await tasks.get(c.req.valid('param').id))), 200),
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: `${API_PREFIX}/tasks/{id}/cancel`,
      tags,
      summary: 'Cancel a PENDING or PROCESSING task (a running executor is aborted)',
      request: { params: taskIdParamSchema },
      responses: {
        200: jsonContent(envelopeSchema(taskSchema), 'The cancelled task'),
        ...errorResponses(401, 404, 409, 500),
      },
    }),
    async (c) =>
      c.json(success(taskJson(await tasks.cancel(c.req.valid('param').id)), 'Task cancelled successfully'), 200),
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: `${API_PREFIX}/tasks/{id}/retry`,
      tags,
      summary: 'Retry a FAILED or TIMEOUT task with a fresh retry budget',
      request: { params: taskIdParamSchema },
      responses: {
        200: jsonContent(envelopeSchema(taskSchema), 'The task, PENDING again'),
        ...errorResponses(401, 404, 409, 500),
      },
    }),
    async (c) => c.json(success(taskJson(await tasks.retry(c.req.valid('param').id)), 'Task queued for retry'), 200),
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: `${API_PREFIX}/tasks/{id}/logs`,
      tags,
      summary: "The task's log rows, oldest first",
      request: { params: taskIdParamSchema },
      responses: {
        200: jsonContent(envelopeSchema(z.array(taskLogSchema)), 'Log rows'),
        ...errorResponses(401, 404, 500),
      },
    }),
    async (c) => c.json(success((await tasks.logs(c.req.valid('param').id)).map(taskLogJson)), 200),
  );
}

/** snake_case body → the service's input; null means "not given", like a missing field. */
function toCreateInput(
  body: CreateTaskBody,
  apiKey: string | undefined,
  traceParent: string | undefined,
  idempotencyHeader?: string,
): CreateTaskInput {
  const key = body.idempotency_key ?? undefined;
  if (idempotencyHeader !== undefined && key !== undefined && key !== idempotencyHeader) {
    throw new InvalidParameterError('the Idempotency-Key header and idempotency_key differ', {
      field: 'idempotency_key',
    });
  }
  const input: CreateTaskInput = { taskType: body.task_type, payload: body.payload as CreateTaskInput['payload'] };
  if (body.priority != null) input.priority = body.priority;
  if (body.timeout != null) input.timeout = body.timeout;
  if (body.max_retry != null) input.maxRetry = body.max_retry;
  if (body.delay != null) input.delayMs = body.delay * 1000;
  if (body.run_at != null) input.runAt = new Date(body.run_at);
  const idempotencyKey = key ?? idempotencyHeader;
  if (idempotencyKey !== undefined) input.idempotencyKey = idempotencyKey;
  if (apiKey !== undefined) input.createdBy = apiKey;
  if (body.depends_on != null) input.dependsOn = body.depends_on;
  if (body.depends_on_index != null) input.dependsOnIndex = body.depends_on_index;
  if (traceParent !== undefined) input.traceParent = traceParent;
  return input;
}

/** The bulk body's filter → the service's; null means "not given". */
function toBulkFilter(body: BulkBody): BulkFilter {
  const filter: BulkFilter = {};
  const given = body.filter ?? {};
  const statuses = parseStatusList(given.status ?? '', 'filter.status');
  if (statuses) filter.status = statuses;
  if (given.task_type != null) filter.taskType = given.task_type;
  if (given.created_from != null) filter.createdFrom = new Date(given.created_from);
  if (given.created_to != null) filter.createdTo = new Date(given.created_to);
  return filter;
}
