import { ErrorCode, InvalidParameterError, TaskManagerError } from '../../domain/errors.ts';
import { findJsonProblem } from '../../domain/json-limits.ts';
import type { TaskTypeConfig } from '../../domain/task-type.ts';
import type { TaskTypeInput } from '../../config/config-schema.ts';
import { type ExecutorRegistry, executorProblem } from '../executor-registry.ts';
import type { TaskTypeCatalog } from '../task-type-catalog.ts';

/** The task type, or 40401 when there is none. */
export async function getTaskType(types: TaskTypeCatalog, taskType: string): Promise<TaskTypeConfig> {
  const config = await types.find(taskType);
  if (!config)
    throw new TaskManagerError(ErrorCode.NOT_FOUND, `task type "${taskType}" not found`, { task_type: taskType });
  return config;
}

/**
 * Creates or replaces a task type. Its executor_config must be storable JSON, and a new type
 * (or a new executor_type) must name the executor that serves it in this process, or its
 * tasks would wait PENDING forever. A process with no executors (an API-only node with its
 * own config) cannot tell, and accepts it.
 */
export async function putTaskType(
  types: TaskTypeCatalog,
  executors: ExecutorRegistry,
  input: TaskTypeInput,
): Promise<TaskTypeConfig> {
  const problem = findJsonProblem(input.executorConfig ?? {}, 'executor_config');
  if (problem)
    throw new InvalidParameterError(`invalid parameter ${problem.path}: ${problem.message}`, { field: problem.path });
  const current = await types.find(input.taskType);
  if (current?.executorType !== input.executorType) {
    const problem = executorProblem(executors, input.taskType, input.executorType);
    if (problem)
      throw new InvalidParameterError(`invalid parameter executor_type: ${problem}`, { field: 'executor_type' });
  }
  return types.put(input);
}
