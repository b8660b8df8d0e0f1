import { insertSorted, type TimeKey } from './sorted-keys.ts';

/**
 * PENDING tasks ordered by scheduled_at (then task id): what findDuePending walks.
 *
 * The scheduler takes tasks from the front while new ones are appended at the back, so
 * removal is lazy: a removed task's key stays in the array until the walk passes it or a
 * compaction drops it. Removing from the front of a large array one element at a time would
 * otherwise cost a full shift per task.
 */
export class DueIndex {
  private keys: TimeKey[] = [];
  /** Keys before `head` are known to be dead. */
  private head = 0;
  /** The live key of each pending task; a key in `keys` is live only if it is this object. */
  private readonly live = new Map<string, TimeKey>();

  get size(): number {
    return this.live.size;
  }

  add(taskId: string, scheduledAt: Date): void {
    const key: TimeKey = { ms: scheduledAt.getTime(), id: taskId };
    this.live.set(taskId, key);
    insertSorted(this.keys, key, this.head);
  }

  delete(taskId: string): void {
    if (!this.live.delete(taskId)) return;
    // Dead keys (before and after head) are freed once they outnumber the live ones.
    const dead = this.keys.length - this.live.size;
    if (dead > 1024 && dead > this.live.size) this.compact();
  }

  /** Up to `limit` ids with scheduled_at <= `dueBeforeMs`, oldest first, among those `accept` takes. */
  due(dueBeforeMs: number, limit: number, accept?: (taskId: string) => boolean): string[] {
    const ids: string[] = [];
    let leadingDead = true;
    for (let i = this.head; i < this.keys.length && ids.length < limit; i++) {
      const key = this.keys[i] as TimeKey;
      if (key.ms > dueBeforeMs) break;
      if (this.live.get(key.id) !== key) {
        if (leadingDead) this.head = i + 1;
        continue;
      }
      leadingDead = false;
      if (accept === undefined || accept(key.id)) ids.push(key.id);
    }
    return ids;
  }

  private compact(): void {
    this.keys = this.keys.slice(this.head).filter((key) => this.live.get(key.id) === key);
    this.head = 0;
  }
}
