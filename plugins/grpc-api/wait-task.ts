import { isFinishedStatus, type Task, type TaskService, type TaskStatus } from '../../core/index.ts';
import type { TaskChanges } from './task-changes.ts';

/**
 * How often a waiting call re-reads its task even without an event: some changes publish no
 * event of their own (a dead worker's task recovered to PENDING), and a process without the
 * cross-process bridge sees no other process's events.
 */
export const RECHECK_INTERVAL_MS = 2_000;

export interface FollowDeps {
  tasks: TaskService;
  changes: TaskChanges;
  recheckMs?: number;
}

/**
 * Sends the task now and again on every status change, until it is finished (SUCCESS, FAILED,
 * TIMEOUT, CANCELLED: a stored FAILED/TIMEOUT has no automatic retry left) or `signal` fires.
 * It subscribes before its first read, so a change between the two is read again, not missed.
 */
export async function followTask(
  taskId: string,
  deps: FollowDeps,
  send: (task: Task) => void,
  signal: AbortSignal,
): Promise<'finished' | 'aborted'> {
  let pending = true;
  let wake: (() => void) | undefined;
  const poke = () => {
    pending = true;
    wake?.();
  };
  const unwatch = deps.changes.watch(taskId, poke);
  const timer = setInterval(poke, deps.recheckMs ?? RECHECK_INTERVAL_MS);
  signal.addEventListener('abort', poke);
  try {
    let sent: TaskStatus | undefined;
    for (;;) {
      if (!pending) await new Promise<void>((resolve) => (wake = resolve));
      wake = undefined;
      if (signal.aborted) return 'aborted';
      pending = false;
      const task = await deps.tasks.get(taskId);
      if (signal.aborted) return 'aborted';
      if (task.status !== sent) {
        sent = task.status;
        send(task);
      }
      if (isFinishedStatus(task.status)) return 'finished';
    }
  } finally {
    unwatch();
    clearInterval(timer);
    signal.removeEventListener('abort', poke);
  }
}
