import { MAX_DEPENDENCIES } from '../../domain/dependency.ts';
import { InvalidParameterError } from '../../domain/errors.ts';
import { TASK_TYPE_PATTERN } from '../../domain/task.ts';
import type { StoragePort } from '../../ports/storage.ts';
import type { CreateTaskInput } from './create-task-input.ts';

/** True when some input of the batch names a dependency: the only check tasks without any pay. */
export function usesDependencies(inputs: readonly CreateTaskInput[]): boolean {
  return inputs.some((input) => input.dependsOn !== undefined || input.dependsOnIndex !== undefined);
}

/**
 * Checks `depends_on` / `depends_on_index` of one input (item `index` of the batch, `field` its
 * prefix in error messages) and returns the dependency ids: the named tasks, then the ids of
 * the earlier batch items named by index. `idOfItem` gives the id an earlier item got.
 */
export function dependencyIds(
  input: CreateTaskInput,
  index: number,
  field: string,
  idOfItem: (item: number) => string,
): string[] | undefined {
  const at = (name: string) => (field ? `${field}.${name}` : name);
  const named = input.dependsOn ?? [];
  const indexes = input.dependsOnIndex ?? [];
  if (!Array.isArray(named) || !Array.isArray(indexes))
    throw new InvalidParameterError('depends_on and depends_on_index must be arrays', { field: at('depends_on') });
  if (named.length + indexes.length > MAX_DEPENDENCIES) {
    throw new InvalidParameterError(`a task may depend on at most ${MAX_DEPENDENCIES} tasks`, {
      field: at('depends_on'),
    });
  }
  for (const [k, id] of named.entries()) {
    if (typeof id !== 'string' || !TASK_TYPE_PATTERN.test(id))
      throw new InvalidParameterError(`${at(`depends_on[${k}]`)} must be a task_id`, { field: at(`depends_on[${k}]`) });
  }
  if (!field && indexes.length > 0)
    throw new InvalidParameterError('depends_on_index is for items of a batch', { field: 'depends_on_index' });
  for (const [k, item] of indexes.entries()) {
    if (!Number.isInteger(item) || item < 0 || item >= index) {
      throw new InvalidParameterError(
        `${at(`depends_on_index[${k}]`)} must name an earlier item of the batch (0 to ${index - 1})`,
        { field: at(`depends_on_index[${k}]`) },
      );
    }
  }
  const ids = [...named, ...indexes.map(idOfItem)];
  return ids.length > 0 ? ids : undefined;
}

/** Every named dependency must exist (40001 naming the first unknown one). */
export async function requireExisting(
  storage: StoragePort,
  named: readonly { id: string; field: string; index?: number }[],
): Promise<void> {
  if (named.length === 0) return;
  const found = new Set((await storage.getTasks([...new Set(named.map((n) => n.id))])).map((t) => t.taskId));
  const missing = named.find((n) => !found.has(n.id));
  if (missing) {
    throw new InvalidParameterError(`${missing.field} names an unknown task: ${missing.id}`, {
      field: missing.field,
      task_id: missing.id,
      ...(missing.index !== undefined ? { index: missing.index } : {}),
    });
  }
}
