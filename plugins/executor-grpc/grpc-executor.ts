import * as grpc from '@grpc/grpc-js';
import {
  NonRetryableError,
  type ExecutionContext,
  type Executor,
  type JsonValue,
  type Task,
} from '../../core/index.ts';
import type { ChannelPool } from './channel-pool.ts';
import { readGrpcCallConfig } from './executor-config.ts';
import { callError } from './grpc-status.ts';
import type { ProtoDefinitions } from './proto-definitions.ts';

/**
 * The call's deadline is the task's timeout plus this: the worker's own timer (the authority,
 * which makes the task TIMEOUT) fires first and cancels the call, while the server still learns
 * how long it has.
 */
const DEADLINE_MARGIN_MS = 250;

/**
 * A unary gRPC call per task (the RPC executor): the payload is the request message,
 * the response message is the result. The deadline is the task's timeout; a cancel or a
 * timeout cancels the call on the wire.
 */
export class GrpcExecutor implements Executor {
  constructor(
    readonly type: string,
    readonly taskTypes: readonly string[],
    private readonly protos: ProtoDefinitions,
    private readonly channels: ChannelPool,
  ) {}

  execute(task: Task, ctx: ExecutionContext): Promise<JsonValue> {
    const config = readGrpcCallConfig(ctx.taskType.executorConfig, task.taskType);
    const method = this.protos.method(config);
    let request: Buffer;
    try {
      request = method.serialize(task.payload);
    } catch (error) {
      throw new NonRetryableError(
        `payload is not a valid ${config.service}/${config.method} request: ${(error as Error).message}`,
      );
    }
    const metadata = new grpc.Metadata();
    for (const [key, value] of Object.entries(config.metadata)) metadata.set(key, value);
    metadata.set('tm-task-id', task.taskId);
    const client = this.channels.client(config.address, config.tls);
    const signal = ctx.signal;
    signal.throwIfAborted();

    return new Promise<JsonValue>((resolve, reject) => {
      const call = client.makeUnaryRequest<Buffer, unknown>(
        method.path,
        (bytes) => bytes,
        method.deserialize,
        request,
        metadata,
        { deadline: new Date(Date.now() + task.timeout * 1000 + DEADLINE_MARGIN_MS) },
        (error, response) => {
          signal.removeEventListener('abort', cancel);
          if (signal.aborted) reject(signal.reason);
          else if (error) reject(callError(error));
          else resolve((response ?? null) as JsonValue);
        },
      );
      const cancel = () => call.cancel();
      signal.addEventListener('abort', cancel, { once: true });
    });
  }

  close(): void {
    this.channels.close();
  }
}
