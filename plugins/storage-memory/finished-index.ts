import type { TaskStatus } from '../../core/index.ts';

interface Finished {
  readonly ms: number;
  readonly id: string;
}

/**
 * Finished tasks per final status, sorted by completion time, so retention deletes the oldest
 * without scanning every task. Tasks mostly finish in time order, so adding is usually an
 * append (a late one pays a binary search and a splice). Entries are checked when taken (a
 * FAILED task retried by hand leaves a stale one behind), and the array is compacted as its
 * head is consumed.
 */
export class FinishedIndex {
  private readonly byStatus = new Map<TaskStatus, { entries: Finished[]; head: number }>();

  add(status: TaskStatus, completedAtMs: number, taskId: string): void {
    let list = this.byStatus.get(status);
    if (!list) this.byStatus.set(status, (list = { entries: [], head: 0 }));
    const entries = list.entries;
    const entry = { ms: completedAtMs, id: taskId };
    if (entries.length === list.head || entries[entries.length - 1]!.ms <= completedAtMs) {
      entries.push(entry);
      return;
    }
    let lo = list.head;
    let hi = entries.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (entries[mid]!.ms <= completedAtMs) lo = mid + 1;
      else hi = mid;
    }
    entries.splice(lo, 0, entry);
  }

  /**
   * Takes ids of `status` that finished before `beforeMs`, oldest first, while `accept` says
   * the entry is still current (it returns false for stale ones, which are dropped) and fewer
   * than `limit` were accepted.
   */
  takeOlderThan(
    status: TaskStatus,
    beforeMs: number,
    limit: number,
    accept: (taskId: string, completedAtMs: number) => boolean,
  ): string[] {
    const list = this.byStatus.get(status);
    if (!list) return [];
    const taken: string[] = [];
    while (taken.length < limit && list.head < list.entries.length) {
      const entry = list.entries[list.head]!;
      if (entry.ms >= beforeMs) break;
      list.head++;
      if (accept(entry.id, entry.ms)) taken.push(entry.id);
    }
    if (list.head > 1024 && list.head * 2 > list.entries.length) {
      list.entries = list.entries.slice(list.head);
      list.head = 0;
    }
    return taken;
  }
}
