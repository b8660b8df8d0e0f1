import { z } from 'zod';
import { definePlugin, type Plugin } from '../../core/index.ts';
import { ConfirmPublisher } from './confirm-channel.ts';
import { RabbitMqExecutor } from './rabbitmq-executor.ts';

const optionsSchema = z.object({
  /** Executor type (task types' `executorType`). */
  type: z.string().min(1).default('rabbitmq'),
  /** Task types served; by default every configured task type whose executorType is `type`. */
  taskTypes: z.array(z.string().min(1)).optional(),
  /** amqp:// or amqps:// URL, credentials and vhost included. */
  url: z.string().min(1).default('amqp://guest:guest@127.0.0.1:5672'),
  /** Exchange tasks publish to unless their type names one; amq.topic exists on every broker. */
  exchange: z.string().min(1).default('amq.topic'),
  /** Type of a default exchange the executor declares (durable) when it is not an amq.* one. */
  exchangeType: z.enum(['topic', 'direct', 'fanout', 'headers']).default('topic'),
  /** The connection name the broker shows. */
  connectionName: z.string().default('async-task-manager'),
});
export type RabbitMqExecutorOptions = z.input<typeof optionsSchema>;

/** The `rabbitmq` executor: publish_event on RabbitMQ with publisher confirms. */
export function rabbitmqExecutor(options: RabbitMqExecutorOptions = {}): Plugin {
  return definePlugin({
    name:
      options.type === undefined || options.type === 'rabbitmq'
        ? 'executor-rabbitmq'
        : `executor-rabbitmq:${options.type}`,
    setup(ctx) {
      const settings = ctx.section('rabbitmq', optionsSchema, options);
      const taskTypes = ctx.taskTypesServedBy(settings.type, settings.taskTypes);
      const publisher = new ConfirmPublisher(settings.url, settings.connectionName, () => ctx.logger);
      ctx.registerExecutor(
        new RabbitMqExecutor(settings.type, taskTypes, publisher, {
          exchange: settings.exchange,
          exchangeType: settings.exchangeType,
        }),
      );
    },
  });
}
