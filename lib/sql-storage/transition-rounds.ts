import { toJsonText } from './row-mapping.ts';
import type { TaskTransition } from '../../core/index.ts';

/**
 * Splits a batch so no task appears twice in one round: a second change to the same task is
 * judged against the status the first one wrote, as if the calls had been made in order.
 */
export function rounds(changes: readonly TaskTransition[]): TaskTransition[][] {
  const result: TaskTransition[][] = [];
  const roundOf = new Map<string, number>();
  for (const change of changes) {
    const index = (roundOf.get(change.taskId) ?? -1) + 1;
    roundOf.set(change.taskId, index);
    (result[index] ??= []).push(change);
  }
  return result;
}

/** Bytes a change adds to a statement (its result and error text dominate). */
export function changeSize(change: TaskTransition): number {
  const result = change.patch.result;
  return (
    256 +
    (result === undefined || result === null ? 0 : toJsonText(result).length) +
    (change.patch.errorMsg?.length ?? 0)
  );
}
