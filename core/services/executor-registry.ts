import { injectable } from 'tsyringe';
import type { Executor } from '../ports/executor.ts';

/** Maps each task type to exactly one executor (docs/design.md#executors); a second claim on a type is an error. */
@injectable()
export class ExecutorRegistry {
  private readonly byTaskType = new Map<string, Executor>();
  private readonly executors: Executor[] = [];

  register(executor: Executor): void {
    for (const taskType of executor.taskTypes) {
      const existing = this.byTaskType.get(taskType);
      if (existing) {
        throw new Error(
          `task type "${taskType}" is already served by executor "${existing.type}"; executor "${executor.type}" cannot register it too`,
        );
      }
    }
    for (const taskType of executor.taskTypes) this.byTaskType.set(taskType, executor);
    this.executors.push(executor);
  }

  get(taskType: string): Executor | undefined {
    return this.byTaskType.get(taskType);
  }

  list(): readonly Executor[] {
    return this.executors;
  }

  taskTypes(): string[] {
    return [...this.byTaskType.keys()].sort();
  }
}

/**
 * Why tasks of `taskType` with this `executorType` could never run in this process, or
 * undefined when they can (or when the process has no executors and so cannot tell).
 */
export function executorProblem(
  registry: ExecutorRegistry,
  taskType: string,
  executorType: string,
): string | undefined {
  const executors = registry.list();
  if (executors.length === 0) return undefined;
  const installed = [...new Set(executors.map((e) => e.type))].sort();
  if (!installed.includes(executorType))
    return `no executor of type "${executorType}" is installed (installed: ${installed.join(', ')})`;
  const serving = registry.get(taskType);
  if (!serving)
    return `no "${executorType}" executor serves task type "${taskType}": add it to that executor plugin's taskTypes`;
  if (serving.type !== executorType)
    return `task type "${taskType}" is served by the "${serving.type}" executor, not "${executorType}"`;
  return undefined;
}
