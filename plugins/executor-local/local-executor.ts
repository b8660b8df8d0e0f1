import {
  NonRetryableError,
  type ExecutionContext,
  type Executor,
  type JsonObject,
  type JsonValue,
  type Task,
} from '../../core/index.ts';

/** An in-process handler: gets the payload, the execution context (signal, log, progress) and the task. */
export type LocalHandler = (
  payload: JsonObject,
  ctx: ExecutionContext,
  task: Task,
) => Promise<JsonValue | void> | JsonValue | void;

/** Runs tasks by calling the handler registered for their type, in this process. */
export class LocalExecutor implements Executor {
  readonly taskTypes: readonly string[];

  constructor(
    readonly type: string,
    private readonly handlers: Readonly<Record<string, LocalHandler>>,
  ) {
    this.taskTypes = Object.keys(handlers);
  }

  async execute(task: Task, ctx: ExecutionContext): Promise<JsonValue | undefined> {
    const handler = Object.hasOwn(this.handlers, task.taskType) ? this.handlers[task.taskType] : undefined;
    if (!handler) {
      // The registry routed a type this executor never declared: retrying cannot fix that.
      throw new NonRetryableError(`executor "${this.type}" has no handler for task type "${task.taskType}"`);
    }
    const result = await handler(task.payload, ctx, task);
    return result === undefined ? undefined : result;
  }
}
