import { OpenAPIHono } from '@hono/zod-openapi';
import { cors } from 'hono/cors';
import { requestId } from 'hono/request-id';
import type { ClusterService, HttpRoute, Logger, RateLimiter, ScheduleService, TaskService } from '../../core/index.ts';
import { accessLog } from './access-log.ts';
import { apiKeyAuth } from './auth.ts';
import { errorHandler, notFoundHandler, validationFailed } from './errors.ts';
import { jsonGuard } from './json-guard.ts';
import { requestSizeLimit } from './request-size-limit.ts';
import { isPublicPath, registerOpenApi } from './openapi.ts';
import { httpOptionsSchema, type HttpApiOptions } from './options.ts';
import type { EventStreamHub } from './events/event-stream-hub.ts';
import { registerClusterRoutes } from './routes/cluster.ts';
import { registerEventRoutes } from './routes/events.ts';
import { registerHealthRoutes } from './routes/health.ts';
import type { ApiApp, ApiEnv } from './routes/shared.ts';
import { registerTaskTypeRoutes } from './routes/task-types.ts';
import { registerScheduleRoutes } from './routes/schedules.ts';
import { apiRateLimit } from './rate-limit.ts';
import { registerTaskRoutes } from './routes/tasks.ts';

export interface HttpAppDeps {
  tasks: TaskService;
  cluster: ClusterService;
  /** Serves /api/v1/schedules from it; without it those routes are absent (404). */
  schedules?: ScheduleService;
  /** Counts http.rateLimitMax (the coordination port's); without it the API has no request limit. */
  rateLimiter?: RateLimiter;
  /** Routes other plugins contributed (e.g. /metrics). */
  routes?: readonly HttpRoute[];
  options?: HttpApiOptions;
  /** Gets the access log (debug) and unexpected errors; silent when left out. */
  logger?: Logger;
  /** Serves GET /api/v1/events from it; without it that route is absent (404). */
  events?: EventStreamHub;
}

/** The whole HTTP API as a Hono app: serve its `fetch`, or call `app.request()` in tests. */
export function createHttpApp(deps: HttpAppDeps): ApiApp {
  const options = httpOptionsSchema.parse(deps.options ?? {});
  const logger = deps.logger ?? silentLogger;
  const contributed = deps.routes ?? [];
  const app: ApiApp = new OpenAPIHono<ApiEnv>({
    defaultHook: (result, c) => (result.success ? undefined : validationFailed(c, result.error.issues)),
  });

  app.onError(errorHandler(logger));
  app.notFound(notFoundHandler);

  app.use(requestId());
  app.use(accessLog(logger));
  if (options.cors) app.use(cors({ origin: options.cors, exposeHeaders: ['X-Request-Id'] }));
  if (options.apiKeys.length > 0) {
    const isPublicRoute = publicRouteMatcher(contributed);
    app.use(apiKeyAuth(options.apiKeys, (method, path) => isPublicPath(path) || isPublicRoute(method, path)));
  }
  if (options.rateLimitMax > 0 && deps.rateLimiter) {
    app.use(apiRateLimit(deps.rateLimiter, { max: options.rateLimitMax, windowMs: options.rateLimitWindow }));
  }
  app.use(requestSizeLimit(options.maxPayloadBytes));
  app.use(jsonGuard());

  const services = { tasks: deps.tasks, cluster: deps.cluster };
  registerHealthRoutes(app, services);
  registerTaskRoutes(app, services, options.batchLimit);
  registerTaskTypeRoutes(app, services);
  if (deps.schedules) registerScheduleRoutes(app, deps.schedules);
  registerClusterRoutes(app, services);
  if (deps.events) registerEventRoutes(app, deps.events);
  for (const route of contributed) {
    app.on(route.method, route.path, async (c) => {
      const res = await route.handle(c.req.raw);
      // Rebuilt through the context so the request id (and CORS) headers reach plugin answers too.
      return c.newResponse(res.body, res);
    });
  }
  registerOpenApi(app, contributed, options.apiKeys.length > 0);
  return app;
}

/** Whether a request hits a contributed route marked public; `:name` segments match one path segment. */
function publicRouteMatcher(routes: readonly HttpRoute[]): (method: string, path: string) => boolean {
  const patterns = routes
    .filter((route) => route.public)
    .map((route) => {
      const segments = route.path
        .split('/')
        .map((part) => (part.startsWith(':') ? '[^/]+' : part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));
      return { method: route.method, pattern: new RegExp(`^${segments.join('/')}$`) };
    });
  return (method, path) => patterns.some((p) => p.method === method && p.pattern.test(path));
}

const silentLogger: Logger = {
  debug() {},
  info() {},
  warn() {},
  error() {},
  child: () => silentLogger,
};
