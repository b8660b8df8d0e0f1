import { createRoute, z } from '@hono/zod-openapi';
import { envelopeSchema, success } from '../envelope.ts';
import { queuesSchema, schedulerSchema, statsSchema, workerSchema } from '../schemas.ts';
import { queuesJson, schedulerJson, statsJson, workerJson } from '../views.ts';
import { API_PREFIX, errorResponses, jsonContent, type ApiApp, type RouteDeps } from './shared.ts';

const tags = ['cluster'];

export function registerClusterRoutes(app: ApiApp, { cluster }: RouteDeps): void {
  app.openapi(
    createRoute({
      method: 'get',
      path: `${API_PREFIX}/workers`,
      tags,
      summary: 'Registered workers with health and load',
      responses: {
        200: jsonContent(envelopeSchema(z.array(workerSchema)), 'Workers'),
        ...errorResponses(401, 500, 503),
      },
    }),
    async (c) => c.json(success((await cluster.workers()).map(workerJson)), 200),
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: `${API_PREFIX}/scheduler`,
      tags,
      summary: 'The current scheduler leader',
      responses: {
        200: jsonContent(envelopeSchema(schedulerSchema), 'Leader status'),
        ...errorResponses(401, 500, 503),
      },
    }),
    async (c) => c.json(success(schedulerJson(await cluster.schedulerStatus())), 200),
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: `${API_PREFIX}/queues`,
      tags,
      summary: 'Queue lengths: ready (high, normal), delayed, claimed and per worker',
      responses: { 200: jsonContent(envelopeSchema(queuesSchema), 'Queue lengths'), ...errorResponses(401, 500, 503) },
    }),
    async (c) => c.json(success(queuesJson(await cluster.queues())), 200),
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: `${API_PREFIX}/stats`,
      tags,
      summary: 'Task counts by status',
      responses: { 200: jsonContent(envelopeSchema(statsSchema), 'Task counts'), ...errorResponses(401, 500, 503) },
    }),
    async (c) => c.json(success(statsJson(await cluster.taskCounts())), 200),
  );
}
