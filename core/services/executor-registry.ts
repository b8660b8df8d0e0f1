import { injectable } from 'tsyringe';
import type { Executor } from '../ports/executor.ts';

/** Maps each task type to exactly one executor (SPEC §4); a second claim on a type is an error. */
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
