import { createRoute } from '@hono/zod-openapi';
import { ErrorCode } from '../../../core/index.ts';
import { envelopeSchema, errorBody, errorEnvelopeSchema, success } from '../envelope.ts';
import { healthSchema, readinessSchema } from '../schemas.ts';
import { jsonContent, type ApiApp, type RouteDeps } from './shared.ts';

const tags = ['health'];

/** Liveness and readiness for orchestrators; never behind API keys. */
export function registerHealthRoutes(app: ApiApp, { cluster }: RouteDeps): void {
  app.openapi(
    createRoute({
      method: 'get',
      path: '/healthz',
      tags,
      security: [],
      summary: 'Liveness: the process answers',
      responses: { 200: jsonContent(envelopeSchema(healthSchema), 'Alive') },
    }),
    (c) => c.json(success({ status: 'ok' as const }), 200),
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/readyz',
      tags,
      security: [],
      summary: 'Readiness: storage, queue and coordination reachable',
      responses: {
        200: jsonContent(envelopeSchema(readinessSchema), 'Ready'),
        503: jsonContent(errorEnvelopeSchema, 'Not ready (50301); details.checks says which dependency failed'),
      },
    }),
    async (c) => {
      const report = await cluster.readiness();
      if (report.ready) return c.json(success({ status: 'ready' as const, checks: report.checks }), 200);
      return c.json(
        errorBody(ErrorCode.DEPENDENCY_UNAVAILABLE, 'not ready', { status: 'not_ready', checks: report.checks }),
        503,
      );
    },
  );
}
