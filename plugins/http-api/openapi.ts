import { z } from '@hono/zod-openapi';
import type { HttpRoute } from '../../core/index.ts';
import type { ApiApp } from './routes/shared.ts';

export const OPENAPI_PATH = '/openapi.json';
export const DOCS_PATH = '/docs';

/** Paths served without an API key (orchestrator probes and the documentation). */
export const PUBLIC_PATHS = new Set(['/healthz', '/readyz', OPENAPI_PATH, DOCS_PATH]);

/** Hono `:name` parameters → OpenAPI `{name}`. */
const toOpenApiPath = (path: string) => path.replace(/:([A-Za-z0-9_]+)/g, '{$1}');

/** Serves the document built from the routes' own zod schemas, and a browsable page for it. */
export function registerOpenApi(app: ApiApp, contributed: readonly HttpRoute[], secured: boolean): void {
  if (secured)
    app.openAPIRegistry.registerComponent('securitySchemes', 'bearerAuth', { type: 'http', scheme: 'bearer' });

  for (const route of contributed) {
    app.openAPIRegistry.registerPath({
      method: route.method.toLowerCase() as 'get',
      path: toOpenApiPath(route.path),
      tags: ['plugins'],
      summary: `Contributed by a plugin${route.public ? ' (no API key needed)' : ''}`,
      ...(route.public ? { security: [] } : {}),
      responses: { 200: { description: 'Plugin-defined response' } },
    });
  }

  app.openAPIRegistry.registerPath({
    method: 'get',
    path: DOCS_PATH,
    tags: ['docs'],
    summary: 'Browsable API reference (HTML)',
    security: [],
    responses: { 200: { description: 'HTML page', content: { 'text/html': { schema: z.string() } } } },
  });
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

  app.get(DOCS_PATH, (c) => c.html(DOCS_PAGE));
}

// Scalar renders the document client side; the page holds no API data itself.
const DOCS_PAGE = `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <title>async-task-manager API</title>
  </head>
  <body>
    <script id="api-reference" data-url="${OPENAPI_PATH}"></script>
    <script src="https://cdn.jsdelivr.net/npm/@scalar/api-reference"></script>
  </body>
</html>
`;
