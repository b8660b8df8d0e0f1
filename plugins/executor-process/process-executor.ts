import { isAbsolute, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { z } from 'zod';
import {
  NonRetryableError,
  type ExecutionContext,
  type Executor,
  type JsonValue,
  type Task,
} from '../../core/index.ts';
import { HandlerFailedError } from './handler-thread-handle.ts';
import type { ThreadPool } from './thread-pool.ts';

/** The task type's `executorConfig` as this executor reads it. */
const executorConfigSchema = z.object({
  /** The handler module: absolute, or relative to the working directory. */
  module: z.string().min(1),
  /** The export to call. */
  export: z.string().min(1).default('default'),
});

/**
 * Runs each task's handler module in a thread of the pool, so a CPU-bound or crashing handler
 * cannot stall or kill the worker. A crash (the thread exits, an uncaught error) is a
 * retryable failure; a timeout or cancel terminates the thread and the pool replaces it.
 */
export class ProcessExecutor implements Executor {
  constructor(
    readonly type: string,
    readonly taskTypes: readonly string[],
    private readonly pool: ThreadPool,
  ) {}

  async execute(task: Task, ctx: ExecutionContext): Promise<JsonValue> {
    const config = executorConfigSchema.safeParse(ctx.taskType.executorConfig);
    if (!config.success) {
      const issue = config.error.issues[0];
      throw new NonRetryableError(
        `executorConfig.${issue?.path.join('.') ?? ''}: ${issue?.message ?? 'invalid'} (task type ${task.taskType})`,
      );
    }
    const modulePath = isAbsolute(config.data.module) ? config.data.module : resolve(process.cwd(), config.data.module);
    const signal = ctx.signal;
    const thread = await this.pool.acquire(signal);
    // The only way to stop a handler that never yields: terminate its thread.
    const kill = () => void this.pool.discard(thread);
    signal.addEventListener('abort', kill, { once: true });
    try {
      return await thread.run(
        {
          moduleUrl: pathToFileURL(modulePath).href,
          exportName: config.data.export,
          payload: task.payload,
          task: {
            taskId: task.taskId,
            taskType: task.taskType,
            retryCount: task.retryCount,
            maxRetry: task.maxRetry,
            timeout: task.timeout,
            workerId: ctx.workerId,
            executorConfig: ctx.taskType.executorConfig,
          },
        },
        { onProgress: ctx.progress, onLog: ctx.log },
      );
    } catch (error) {
      if (signal.aborted) throw signal.reason;
      if (error instanceof HandlerFailedError && !error.detail.retryable)
        throw new NonRetryableError(error.message, { cause: error });
      throw error;
    } finally {
      signal.removeEventListener('abort', kill);
      if (!signal.aborted) this.pool.release(thread);
    }
  }

  close(): Promise<void> {
    return this.pool.close();
  }
}
