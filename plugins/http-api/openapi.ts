import { z } from '@hono/zod-openapi';
import type { HttpRoute } from '../../core/index.ts';
import { DOCS_ASSETS_PREFIX, DOCS_PATH, registerDocsPage } from './docs-page.ts';
import type { ApiApp } from './routes/shared.ts';

export const OPENAPI_PATH = '/openapi.json';

/** Paths served without an API key (orchestrator probes and the documentation). */
export const PUBLIC_PATHS = new Set(['/healthz', '/readyz', OPENAPI_PATH, DOCS_PATH]);

export function isPublicPath(path: string): boolean {
  return PUBLIC_PATHS.has(path) || path.startsWith(DOCS_ASSETS_PREFIX);
}

/** Hono `:name` parameters → OpenAPI `{name}`. */
const toOpenApiPath = (path: string) => path.replace(/:([A-Za-z0-9_]+)/g, '{$1}');

/** Serves the document built from the routes' own zod schemas, and a browsable page for it. */
export function registerOpenApi(app: ApiApp, contributed: readonly HttpRoute[], secured: boolean): void {
  if (secured)
    app.openAPIRegistry.registerComponent('securitySchemes', 'bearerAuth', { type: 'http', scheme: 'bearer' });

  for (const route of contributed) {
    const params = [...route.path.matchAll(/:([A-Za-z0-9_]+)/g)].map((match) => match[1]!);
    app.openAPIRegistry.registerPath({
      method: route.method.toLowerCase() as 'get',
      path: toOpenApiPath(route.path),
      tags: ['plugins'],
      summary: `${route.summary ?? 'Contributed by a plugin'}${route.public ? ' (no API key needed)' : ''}`,
      ...(params.length > 0
        ? {
            request: {
              params: z.object(
                Object.fromEntries(params.map((name) => [name, z.string().openapi({ param: { name, in: 'path' } })])),
              ),
            },
          }
        : {}),
      ...(route.public ? { security: [] } : {}),
      responses: { 200: { description: 'Plugin-defined response' } },
    });
  }

  app.openAPIRegistry.registerPath({
    method: 'get',
    path: OPENAPI_PATH,
    tags: ['docs'],
    summary: 'This OpenAPI 3.1 document',
    security: [],
    responses: {
      200: { description: 'OpenAPI document', content: { 'application/json': { schema: z.object({}).passthrough() } } },
    },
  });

  app.doc31(OPENAPI_PATH, (c) => ({
    openapi: '3.1.0',
    info: {
      title: 'async-task-manager API',
      version: '1.0.0',
      description:
        'Submit, inspect, cancel and retry tasks; manage task types; watch workers, the scheduler leader and queues. ' +
        'Every JSON answer is an envelope {code, message, data}; errors carry a non-zero code (see docs/api.md).',
    },
    servers: [{ url: new URL(c.req.url).origin }],
    ...(secured ? { security: [{ bearerAuth: [] }] } : {}),
  }));

  registerDocsPage(app, OPENAPI_PATH);
}
