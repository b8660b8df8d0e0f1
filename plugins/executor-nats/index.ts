import { z } from 'zod';
import { boolean, definePlugin, duration, type Plugin } from '../../core/index.ts';
import { NatsConnectionHolder } from './nats-connection.ts';
import { NatsExecutor } from './nats-executor.ts';

/** One server or several, as a list or "a,b" (the environment). */
const servers = z
  .union([z.string(), z.array(z.string())])
  .transform((value) => (typeof value === 'string' ? value.split(',') : value).map((s) => s.trim()).filter(Boolean))
  .pipe(z.array(z.string()).min(1));

const optionsSchema = z.object({
  /** Executor type (task types' `executorType`). */
  type: z.string().min(1).default('nats'),
  /** Task types served; by default every configured task type whose executorType is `type`. */
  taskTypes: z.array(z.string().min(1)).optional(),
  servers: servers.default(['nats://127.0.0.1:4222']),
  /** Publish through JetStream (ack awaited) unless a task type's executorConfig.jetstream says otherwise. */
  jetstream: boolean().default(false),
  /** How long a JetStream publish waits for the stream's ack. */
  ackTimeout: duration().default(5_000),
  user: z.string().optional(),
  pass: z.string().optional(),
  token: z.string().optional(),
  /** The connection name the server shows. */
  name: z.string().default('async-task-manager'),
});
export type NatsExecutorOptions = z.input<typeof optionsSchema>;

/** The `nats` executor: publish_event on NATS, core or JetStream. */
export function natsExecutor(options: NatsExecutorOptions = {}): Plugin {
  return definePlugin({
    name: options.type === undefined || options.type === 'nats' ? 'executor-nats' : `executor-nats:${options.type}`,
    setup(ctx) {
      const settings = ctx.section('nats', optionsSchema, options);
      const taskTypes = ctx.taskTypesServedBy(settings.type, settings.taskTypes);
      const { servers: list, name, user, pass, token } = settings;
      const connection = new NatsConnectionHolder({ servers: list, name, user, pass, token }, () => ctx.logger);
      ctx.registerExecutor(
        new NatsExecutor(settings.type, taskTypes, connection, {
          jetstream: settings.jetstream,
          ackTimeoutMs: settings.ackTimeout,
        }),
      );
      // Credentials stay out of the log.
      ctx.logger.info({ servers: list, jetstream: settings.jetstream }, 'executor-nats');
    },
  });
}
