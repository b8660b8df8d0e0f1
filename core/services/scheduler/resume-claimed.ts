import type { QueueEntry, LeaderQueue } from '../../ports/queue.ts';
import type { Logger } from '../../ports/logger.ts';
import type { StoragePort } from '../../ports/storage.ts';
import type { DispatchLeftovers } from './dispatch-leftovers.ts';

/**
 * Claimed entries left by a leader that died mid-round: PENDING ones go back to the head of
 * their queue; ones already written PROCESSING were never pushed (dispatch is atomic), so
 * they are dispatched to the worker they were assigned to.
 */
export async function resumeClaimed(
  queue: LeaderQueue,
  storage: StoragePort,
  leftovers: DispatchLeftovers,
  log: Logger,
): Promise<void> {
  const claimed = await queue.listClaimed();
  if (claimed.length === 0) return;
  const tasks = new Map((await storage.getTasks(claimed.map((c) => c.taskId))).map((t) => [t.taskId, t]));
  const back: QueueEntry[] = [];
  const discard: string[] = [];
  const byWorker = new Map<string, string[]>();
  for (const entry of claimed) {
    const task = tasks.get(entry.taskId);
    if (task?.status === 'PENDING') back.push(entry);
    else if (task?.status === 'PROCESSING' && task.workerId)
      byWorker.set(task.workerId, [...(byWorker.get(task.workerId) ?? []), task.taskId]);
    else discard.push(entry.taskId);
  }
  if (back.length > 0) await queue.unclaim(back);
  if (discard.length > 0) await queue.discardClaimed(discard);
  for (const [workerId, ids] of byWorker) {
    const { cancelled, refused } = await queue.dispatch(workerId, ids);
    if (cancelled.length > 0) await leftovers.cancelSkipped(cancelled, tasks, workerId);
    if (refused.length > 0) await leftovers.returnRefused(refused, tasks, workerId);
  }
  log.info(
    { requeued: back.length, dispatched: claimed.length - back.length - discard.length },
    'resumed claimed tasks of the previous leader',
  );
}
