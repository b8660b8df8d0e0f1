import { createRoute, z } from '@hono/zod-openapi';
import { ErrorCode, InvalidParameterError, type TaskTypeConfig, type TaskTypeInput } from '../../../core/index.ts';
import { envelopeSchema, success } from '../envelope.ts';
import { asCodedError } from '../errors.ts';
import { putTaskTypeBodySchema, taskTypeParamSchema, taskTypeSchema, type PutTaskTypeBody } from '../schemas.ts';
import { taskTypeJson } from '../views.ts';
import { API_PREFIX, errorResponses, jsonBody, jsonContent, type ApiApp, type RouteDeps } from './shared.ts';

const tags = ['task types'];

export function registerTaskTypeRoutes(app: ApiApp, { tasks }: RouteDeps): void {
  app.openapi(
    createRoute({
      method: 'get',
      path: `${API_PREFIX}/task-types`,
      tags,
      summary: 'List task types',
      responses: {
        200: jsonContent(envelopeSchema(z.array(taskTypeSchema)), 'Every task type'),
        ...errorResponses(401, 500),
      },
    }),
    async (c) => c.json(success((await tasks.listTaskTypes()).map(taskTypeJson)), 200),
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: `${API_PREFIX}/task-types/{type}`,
      tags,
      summary: 'Get a task type',
      request: { params: taskTypeParamSchema },
      responses: {
        200: jsonContent(envelopeSchema(taskTypeSchema), 'The task type'),
        ...errorResponses(400, 401, 404, 500),
      },
    }),
    async (c) => c.json(success(taskTypeJson(await tasks.getTaskType(c.req.valid('param').type))), 200),
  );

  app.openapi(
    createRoute({
      method: 'put',
      path: `${API_PREFIX}/task-types/{type}`,
      tags,
      summary: 'Create or update a task type; fields left out keep their current value (or the default)',
      request: { params: taskTypeParamSchema, body: jsonBody(putTaskTypeBodySchema) },
      responses: {
        200: jsonContent(envelopeSchema(taskTypeSchema), 'The stored task type'),
        ...errorResponses(400, 401, 500),
      },
    }),
    async (c) => {
      const taskType = c.req.valid('param').type;
      const current = await findTaskType(() => tasks.getTaskType(taskType));
      const input = toTaskTypeInput(taskType, c.req.valid('json'), current);
      return c.json(success(taskTypeJson(await tasks.putTaskType(input))), 200);
    },
  );

  for (const action of ['pause', 'resume'] as const) {
    app.openapi(
      createRoute({
        method: 'post',
        path: `${API_PREFIX}/task-types/{type}/${action}`,
        tags,
        summary:
          action === 'pause'
            ? 'Pause a task type across the cluster: its tasks are accepted and wait PENDING; running ones finish'
            : 'Resume a paused task type: its waiting tasks are dispatched again',
        request: { params: taskTypeParamSchema },
        responses: {
          200: jsonContent(envelopeSchema(taskTypeSchema), 'The task type'),
          ...errorResponses(400, 401, 404, 500, 503),
        },
      }),
      async (c) => {
        const { type } = c.req.valid('param');
        const config = action === 'pause' ? await tasks.pauseTaskType(type) : await tasks.resumeTaskType(type);
        return c.json(success(taskTypeJson(config)), 200);
      },
    );
  }
}

async function findTaskType(get: () => Promise<TaskTypeConfig>): Promise<TaskTypeConfig | undefined> {
  try {
    return await get();
  } catch (error) {
    if (asCodedError(error)?.code === ErrorCode.NOT_FOUND) return undefined;
    throw error;
  }
}

function toTaskTypeInput(taskType: string, body: PutTaskTypeBody, current: TaskTypeConfig | undefined): TaskTypeInput {
  const executorType = body.executor_type ?? current?.executorType;
  if (executorType === undefined) {
    throw new InvalidParameterError('invalid parameter executor_type: is required for a new task type', {
      field: 'executor_type',
    });
  }
  const pick = <K extends keyof TaskTypeConfig>(value: TaskTypeConfig[K] | undefined, key: K) =>
    value ?? current?.[key];
  const input: TaskTypeInput = {
    taskType,
    executorType,
    taskName: pick(body.task_name, 'taskName'),
    description: body.description !== undefined ? body.description : current?.description,
    executorConfig: (body.executor_config as TaskTypeConfig['executorConfig'] | undefined) ?? current?.executorConfig,
    defaultTimeout: pick(body.default_timeout, 'defaultTimeout'),
    defaultMaxRetry: pick(body.default_max_retry, 'defaultMaxRetry'),
    retryStrategy: body.retry_strategy?.toUpperCase() ?? current?.retryStrategy,
    retryDelay: pick(body.retry_delay, 'retryDelay'),
    backoffRate: pick(body.backoff_rate, 'backoffRate'),
    retryJitter: pick(body.retry_jitter, 'retryJitter'),
    maxConcurrent: pick(body.max_concurrent, 'maxConcurrent'),
    enabled: pick(body.enabled, 'enabled'),
    rateLimit: rateLimitInput(body.rate_limit, current),
  };
  // Absent keys take the schema defaults; an explicit undefined would too, but keep the input tidy.
  return Object.fromEntries(Object.entries(input).filter(([, v]) => v !== undefined)) as TaskTypeInput;
}

/** `rate_limit` over the API is {max, per_seconds}; the config's is {max, per} (a duration in ms). */
function rateLimitInput(
  body: PutTaskTypeBody['rate_limit'],
  current: TaskTypeConfig | undefined,
): TaskTypeInput['rateLimit'] {
  if (body === null) return null;
  if (body === undefined)
    return current?.rateLimit ? { max: current.rateLimit.max, per: current.rateLimit.perMs } : null;
  return { max: body.max, per: Math.max(1, Math.round(body.per_seconds * 1000)) };
}
