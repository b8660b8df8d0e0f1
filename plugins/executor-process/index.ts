import { availableParallelism } from 'node:os';
import { z } from 'zod';
import { definePlugin, integer, type Plugin } from '../../core/index.ts';
import { HandlerThread } from './handler-thread-handle.ts';
import { ProcessExecutor } from './process-executor.ts';
import { threadBootstrapSource } from './thread-bootstrap.ts';
import { ThreadPool } from './thread-pool.ts';

export type { ProcessHandler, ProcessHandlerContext } from './handler-thread.ts';

const optionsSchema = z.object({
  /** Executor type (task types' `executorType`). */
  type: z.string().min(1).default('process'),
  /** Task types served; by default every configured task type whose executorType is `type`. */
  taskTypes: z.array(z.string().min(1)).optional(),
  /** Handler threads at most, each running one task at a time. */
  poolSize: integer(1, 1024).default(availableParallelism()),
  /** Heap limit of each handler thread; a handler that exceeds it crashes (a retryable failure). */
  maxMemoryMb: integer(16, 65_536).default(512),
});
export type ProcessExecutorOptions = z.input<typeof optionsSchema>;

/** Handler modules run in a pool of worker threads: isolation from the worker's event loop. */
export function processExecutor(options: ProcessExecutorOptions = {}): Plugin {
  return definePlugin({
    name:
      options.type === undefined || options.type === 'process'
        ? 'executor-process'
        : `executor-process:${options.type}`,
    setup(ctx) {
      const settings = ctx.section('process', optionsSchema, options);
      const taskTypes = ctx.taskTypesServedBy(settings.type, settings.taskTypes);
      const source = threadBootstrapSource();
      const pool = new ThreadPool(settings.poolSize, () => new HandlerThread(source, settings.maxMemoryMb));
      ctx.registerExecutor(new ProcessExecutor(settings.type, taskTypes, pool));
    },
  });
}
