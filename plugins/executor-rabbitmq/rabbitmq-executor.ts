import type { ExecutionContext, Executor, JsonObject, Task } from '../../core/index.ts';
import type { ConfirmPublisher } from './confirm-channel.ts';
import { encodeMessage, readRoute, type ExchangeType } from './routing.ts';

/**
 * `publish_event` on RabbitMQ: `{topic, message}` → `{topic, exchange}`, the topic as the
 * routing key on a topic exchange by default. The task succeeds once the broker confirms the
 * message; messages are persistent and carry the task id as their message id.
 */
export class RabbitMqExecutor implements Executor {
  constructor(
    readonly type: string,
    readonly taskTypes: readonly string[],
    private readonly publisher: ConfirmPublisher,
    private readonly defaults: { exchange: string; exchangeType: ExchangeType },
  ) {}

  init(): void {
    this.publisher.start();
  }

  async execute(task: Task, ctx: ExecutionContext): Promise<JsonObject> {
    const route = readRoute(task.payload, ctx.taskType.executorConfig, this.defaults);
    const { content, contentType } = encodeMessage(route.message);
    const persistent = ctx.taskType.executorConfig.persistent !== false;
    const signal = ctx.signal;
    signal.throwIfAborted();
    await this.publisher.publish(route.exchange, route.exchangeType, route.topic, content, {
      persistent,
      contentType,
      messageId: task.taskId,
      timestamp: Math.floor(Date.now() / 1000),
      appId: 'async-task-manager',
      headers: { 'tm-task-id': task.taskId, 'tm-task-type': task.taskType },
    });
    signal.throwIfAborted();
    return { topic: route.topic, exchange: route.exchange };
  }

  close(): Promise<void> {
    return this.publisher.close();
  }
}
