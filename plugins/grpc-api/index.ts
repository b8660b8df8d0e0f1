import { apiAccessSchema, API_ACCESS_SECTION, definePlugin, TOKENS, type Plugin } from '../../core/index.ts';
import { grpcOptionsSchema, type GrpcApiOptions, type ResolvedGrpcApiOptions } from './options.ts';
import { startGrpcServer, type RunningGrpcServer } from './server.ts';

export type { GrpcApiOptions } from './options.ts';
export { TASK_SERVICE_PROTO, LOADER_OPTIONS } from './proto.ts';
export { TM_CODE, TM_DETAILS } from './status.ts';

export interface GrpcApiPlugin extends Plugin {
  /** The port bound once started, or undefined when off (port 0) or not an api process. */
  readonly port: number | undefined;
}

/**
 * The gRPC API (proto/task_service.proto): taskservice.TaskService with grpc.health.v1 and
 * server reflection. It enforces the HTTP API's access settings (`http.apiKeys`,
 * `http.maxPayloadBytes`, `http.batchLimit`), so one setting covers both transports.
 */
export function grpcApi(options: GrpcApiOptions = {}): GrpcApiPlugin {
  let settings: ResolvedGrpcApiOptions | undefined;
  let server: RunningGrpcServer | undefined;

  return definePlugin({
    name: 'grpc-api',
    get port() {
      return server?.port;
    },
    setup(ctx) {
      settings = ctx.section('grpc', grpcOptionsSchema, options);
    },
    async start(ctx) {
      const { port, waitRecheckInterval } = settings ?? grpcOptionsSchema.parse(options);
      if (port === 0 || !ctx.roles.includes('api')) return;
      const logger = ctx.logger;
      // The HTTP API's resolved settings when it runs here (its factory options included), else the section.
      const access = ctx.tryResolve(TOKENS.ApiAccess) ?? ctx.section(API_ACCESS_SECTION, apiAccessSchema);
      const { host } = ctx.config.app;
      server = await startGrpcServer({
        host,
        port,
        tasks: ctx.services.tasks,
        events: ctx.events,
        readiness: () => ctx.services.cluster.readiness(),
        access,
        logger,
        recheckMs: waitRecheckInterval,
      });
      const shownHost = host === '0.0.0.0' || host === '::' ? 'localhost' : host;
      logger.info({ host, port: server.port }, `gRPC API listening on ${shownHost}:${server.port}`);
    },
    async stop() {
      const running = server;
      server = undefined;
      await running?.close();
    },
  });
}
