import { Server, ServerCredentials } from '@grpc/grpc-js';
import { ReflectionService } from '@grpc/reflection';
import type { ApiAccess, Logger, ReadinessReport, TaskService, EventBus } from '../../core/index.ts';
import { HealthReporter } from './health.ts';
import { loadProtos } from './proto.ts';
import { RequestSizes } from './request-size.ts';
import { SHUTDOWN, taskServiceImplementation } from './service.ts';
import { TaskChanges } from './task-changes.ts';

/** How long calls in flight may finish on stop before the rest are cut. */
const CLOSE_GRACE_MS = 5_000;
/** grpc-js reads nothing larger than this; between maxPayloadBytes and it, the answer carries 41301. */
const hardReceiveLimit = (maxPayloadBytes: number) =>
  Math.min(2 ** 31 - 1, Math.max(2 * maxPayloadBytes, maxPayloadBytes + 64 * 1024));

export interface GrpcServerDeps {
  host: string;
  port: number;
  tasks: TaskService;
  events: EventBus;
  readiness: () => Promise<ReadinessReport>;
  access: ApiAccess;
  logger: Logger;
  /** WaitTask's re-read interval without events (tests shorten it). */
  recheckMs?: number;
}

export interface RunningGrpcServer {
  readonly port: number;
  close(): Promise<void>;
}

/** TaskService, grpc.health.v1 and server reflection on one insecure HTTP/2 port. */
export async function startGrpcServer(deps: GrpcServerDeps): Promise<RunningGrpcServer> {
  const protos = loadProtos();
  const sizes = new RequestSizes();
  const changes = new TaskChanges(deps.events);
  const streams = new Set<AbortController>();
  const health = new HealthReporter(deps.readiness, deps.logger);

  const server = new Server({ 'grpc.max_receive_message_length': hardReceiveLimit(deps.access.maxPayloadBytes) });
  server.addService(
    sizes.track(protos.taskService),
    taskServiceImplementation({
      tasks: deps.tasks,
      changes,
      access: deps.access,
      sizes,
      logger: deps.logger,
      streams,
      recheckMs: deps.recheckMs,
    }),
  );
  health.implementation.addToServer(server);
  new ReflectionService(protos.definition).addToServer(server);

  const address = deps.host.includes(':') ? `[${deps.host}]:${deps.port}` : `${deps.host}:${deps.port}`;
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync(address, ServerCredentials.createInsecure(), (error, bound) =>
      error ? reject(error) : resolve(bound),
    ),
  );
  await health.start();

  return {
    port,
    close: async () => {
      health.stop();
      for (const stream of streams) stream.abort(SHUTDOWN);
      changes.close();
      await new Promise<void>((resolve) => {
        const force = setTimeout(() => server.forceShutdown(), CLOSE_GRACE_MS);
        force.unref();
        server.tryShutdown(() => {
          clearTimeout(force);
          resolve();
        });
      });
    },
  };
}
