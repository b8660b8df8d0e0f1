import type { Clock } from '../../ports/clock.ts';
import type { TaskQueue } from '../../ports/queue.ts';
import type { StoragePort } from '../../ports/storage.ts';

const PAGE = 1_000;

/**
 * After a resume: the PENDING tasks of `taskType` that the leader took out of the queues while
 * the type was paused go back to them (due ones to their ready queue, later ones to the
 * delayed set). Tasks still queued are left alone, so running it twice (the API node and the
 * leader both do) only costs the reads. Returns how many were queued again.
 */
export async function releasePausedTasks(
  storage: StoragePort,
  queue: Pick<TaskQueue, 'findUnqueued' | 'enqueue' | 'schedule'>,
  clock: Clock,
  taskType: string,
): Promise<number> {
  let released = 0;
  let cursor: string | undefined;
  do {
    const page = await storage.listTasks(
      { status: ['PENDING'], taskType },
      { limit: PAGE, ...(cursor ? { cursor } : {}) },
    );
    cursor = page.nextCursor;
    if (page.items.length === 0) break;
    const missing = new Set(await queue.findUnqueued(page.items.map((t) => t.taskId)));
    const lost = page.items.filter((t) => missing.has(t.taskId));
    const now = clock.now().getTime();
    const ready = lost.filter((t) => t.scheduledAt.getTime() <= now);
    const later = lost.filter((t) => t.scheduledAt.getTime() > now);
    if (ready.length > 0) await queue.enqueue(ready.map((t) => ({ taskId: t.taskId, priority: t.priority })));
    if (later.length > 0)
      await queue.schedule(later.map((t) => ({ taskId: t.taskId, priority: t.priority, dueAt: t.scheduledAt })));
    released += lost.length;
  } while (cursor);
  return released;
}
