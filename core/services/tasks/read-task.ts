import { TaskNotFoundError } from '../../domain/errors.ts';
import type { Task } from '../../domain/task.ts';
import type { TaskStateWriter } from '../task-state.ts';

/** The task, through the read cache; TaskNotFoundError (40401) when there is none. */
export async function readTask(state: TaskStateWriter, taskId: string): Promise<Task> {
  const task = await state.read(taskId);
  if (!task) throw new TaskNotFoundError(taskId);
  return task;
}
