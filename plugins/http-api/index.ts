import { definePlugin, TOKENS, type Plugin } from '../../core/index.ts';
import { createHttpApp } from './app.ts';
import { EventStreamHub } from './events/event-stream-hub.ts';
import { httpOptionsSchema, type HttpApiOptions, type ResolvedHttpApiOptions } from './options.ts';
import type { ApiApp } from './routes/shared.ts';
import { listen, type RunningServer } from './server.ts';

export type { HttpApiOptions } from './options.ts';
export { createHttpApp, type HttpAppDeps } from './app.ts';
export { EventStreamHub, type EventStreamOptions, type EventFilter } from './events/event-stream-hub.ts';

export interface HttpApiPlugin extends Plugin {
  /** The Hono app once started (for `app.request()` when this process does not listen). */
  readonly app: ApiApp | undefined;
  /** The port actually bound (useful with port 0), or undefined when not listening. */
  readonly port: number | undefined;
  /** What serves GET /api/v1/events, once started. */
  readonly eventStream: EventStreamHub | undefined;
}

/** The HTTP API (docs/api.md): tasks, task types, cluster views, health, OpenAPI and docs. */
export function httpApi(options: HttpApiOptions = {}): HttpApiPlugin {
  let settings: ResolvedHttpApiOptions | undefined;
  let app: ApiApp | undefined;
  let server: RunningServer | undefined;
  let events: EventStreamHub | undefined;

  return definePlugin({
    name: 'http-api',
    get app() {
      return app;
    },
    get port() {
      return server?.port;
    },
    get eventStream() {
      return events;
    },
    setup(ctx) {
      settings = ctx.section('http', httpOptionsSchema, options);
      const { apiKeys, maxPayloadBytes, batchLimit } = settings;
      ctx.provide(TOKENS.ApiAccess, { apiKeys, maxPayloadBytes, batchLimit });
    },
    async start(ctx) {
      const logger = ctx.logger;
      events = new EventStreamHub(ctx.events, { logger });
      app = createHttpApp({
        events,
        tasks: ctx.services.tasks,
        cluster: ctx.services.cluster,
        schedules: ctx.services.schedules,
        rateLimiter: ctx.tryResolve(TOKENS.Coordination)?.rateLimits,
        routes: ctx.tryResolve(TOKENS.HttpRoutes) ?? [],
        options: settings ?? options,
        logger,
      });
      // The app exists in every process (tests call it directly); only the api role listens.
      if (!ctx.roles.includes('api')) return;
      const { host, port } = ctx.config.app;
      const limits = settings ?? httpOptionsSchema.parse(options);
      server = await listen(app.fetch, port, host, {
        headersTimeoutMs: limits.headersTimeout,
        requestTimeoutMs: Math.max(limits.requestTimeout, limits.headersTimeout),
        keepAliveTimeoutMs: limits.keepAliveTimeout,
        maxRequestsPerConnection: limits.maxRequestsPerConnection,
        maxHeaderBytes: limits.maxHeaderBytes,
        maxConnections: limits.maxConnections,
      });
      const shownHost = host === '0.0.0.0' || host === '::' ? 'localhost' : host;
      logger.info({ host, port: server.port }, `HTTP API listening on http://${shownHost}:${server.port}`);
    },
    async stop() {
      const running = server;
      server = undefined;
      // Event streams never end by themselves: end them first so closing the server does not wait on them.
      events?.close();
      events = undefined;
      await running?.close();
    },
  });
}
