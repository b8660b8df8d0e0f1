import { headers } from '@nats-io/transport-node';
import { jetstream } from '@nats-io/jetstream';
import type { ExecutionContext, Executor, JsonObject, Task } from '../../core/index.ts';
import type { NatsConnectionHolder } from './nats-connection.ts';
import { encodeMessage, readPublishRequest } from './topic.ts';

/**
 * `publish_event` on NATS: `{topic, message}` → `{topic}`. With JetStream (the plugin's
 * `jetstream` option, or `executorConfig.jetstream` per task type) the stream's ack is awaited
 * and the task id is the message id, so a retried task is stored once (within the stream's
 * duplicate window): `{topic, stream, seq, duplicate}`. Core NATS publishes and flushes: the
 * server has the message when the task succeeds.
 */
export class NatsExecutor implements Executor {
  constructor(
    readonly type: string,
    readonly taskTypes: readonly string[],
    private readonly connection: NatsConnectionHolder,
    private readonly defaults: { jetstream: boolean; ackTimeoutMs: number },
  ) {}

  init(): void {
    this.connection.start();
  }

  async execute(task: Task, ctx: ExecutionContext): Promise<JsonObject> {
    const { topic, message } = readPublishRequest(task.payload, ctx.taskType.executorConfig);
    const useJetStream =
      typeof ctx.taskType.executorConfig.jetstream === 'boolean'
        ? ctx.taskType.executorConfig.jetstream
        : this.defaults.jetstream;
    const { bytes, json } = encodeMessage(message);
    const signal = ctx.signal;
    const nc = await this.connection.get(signal);
    const meta = headers();
    meta.set('tm-task-id', task.taskId);
    meta.set('tm-task-type', task.taskType);
    if (json) meta.set('content-type', 'application/json');

    if (useJetStream) {
      try {
        const ack = await jetstream(nc).publish(topic, bytes, {
          msgID: task.taskId,
          headers: meta,
          timeout: this.defaults.ackTimeoutMs,
        });
        return { topic, stream: ack.stream, seq: ack.seq, duplicate: ack.duplicate };
      } catch (error) {
        // Nobody answered the publish: the client words it "jetstream is not enabled".
        if ((error as Error).name === 'JetStreamNotEnabled') {
          throw new Error(`no JetStream stream takes subject "${topic}" (or JetStream is off on the server)`, {
            cause: error,
          });
        }
        throw error;
      }
    }
    nc.publish(topic, bytes, { headers: meta });
    await nc.flush();
    signal.throwIfAborted();
    return { topic };
  }

  close(): Promise<void> {
    return this.connection.close();
  }
}
