import { z } from 'zod';
import { definePlugin, type Plugin } from '../../core/index.ts';
import { ChannelPool } from './channel-pool.ts';
import { GrpcExecutor } from './grpc-executor.ts';
import { ProtoDefinitions } from './proto-definitions.ts';

export { GrpcStatusError, NonRetryableGrpcStatusError } from './grpc-status.ts';

const optionsSchema = z.object({
  /** Executor type (task types' `executorType`). */
  type: z.string().min(1).default('grpc'),
  /** Task types served; by default every configured task type whose executorType is `type`. */
  taskTypes: z.array(z.string().min(1)).optional(),
});
export type GrpcExecutorOptions = z.input<typeof optionsSchema>;

/** The `grpc` executor: a unary call per task to the service the task type names. */
export function grpcExecutor(options: GrpcExecutorOptions = {}): Plugin {
  return definePlugin({
    name: options.type === undefined || options.type === 'grpc' ? 'executor-grpc' : `executor-grpc:${options.type}`,
    setup(ctx) {
      const settings = ctx.section('grpcExecutor', optionsSchema, options);
      const taskTypes = ctx.taskTypesServedBy(settings.type, settings.taskTypes);
      ctx.registerExecutor(new GrpcExecutor(settings.type, taskTypes, new ProtoDefinitions(), new ChannelPool()));
    },
  });
}
