import { ALL_STATUSES, isFinishedStatus, type Task, type TaskStatus } from '../../core/index.ts';
import { DueIndex } from './due-index.ts';
import { FinishedIndex } from './finished-index.ts';
import { insertSorted, type TimeKey } from './sorted-keys.ts';

/**
 * The secondary indexes of the task table, kept up to date on every write so the queries the
 * scheduler runs every tick (due tasks, per-type concurrency, timeouts) never scan all tasks.
 */
export class TaskIndexes {
  /** Every task by (created_at, task_id) ascending; created_at never changes. */
  byCreated: TimeKey[] = [];
  readonly due = new DueIndex();
  readonly finished = new FinishedIndex();
  readonly processing = new Set<string>();
  private readonly processingPerType = new Map<string, number>();
  private readonly perStatus = new Map<TaskStatus, number>(ALL_STATUSES.map((s) => [s, 0]));

  /** Records a write: `previous` is undefined for an insert. */
  update(previous: Task | undefined, next: Task): void {
    if (previous === undefined) {
      insertSorted(this.byCreated, { ms: next.createdAt.getTime(), id: next.taskId });
    } else {
      this.leave(previous);
    }
    this.enter(next);
  }

  /** Records deletions (retention): `gone` says which ids no longer exist. */
  remove(tasks: readonly Task[], gone: (taskId: string) => boolean): void {
    for (const task of tasks) this.leave(task);
    this.byCreated = this.byCreated.filter((key) => !gone(key.id));
  }

  countByStatus(): Record<TaskStatus, number> {
    return Object.fromEntries(this.perStatus) as Record<TaskStatus, number>;
  }

  countProcessingByType(): Map<string, number> {
    return new Map(this.processingPerType);
  }

  private leave(task: Task): void {
    this.perStatus.set(task.status, (this.perStatus.get(task.status) ?? 0) - 1);
    if (task.status === 'PENDING') this.due.delete(task.taskId);
    if (task.status === 'PROCESSING') {
      this.processing.delete(task.taskId);
      const left = (this.processingPerType.get(task.taskType) ?? 0) - 1;
      // Absent rather than 0, like a GROUP BY over PROCESSING rows.
      if (left > 0) this.processingPerType.set(task.taskType, left);
      else this.processingPerType.delete(task.taskType);
    }
  }

  private enter(task: Task): void {
    this.perStatus.set(task.status, (this.perStatus.get(task.status) ?? 0) + 1);
    if (task.status === 'PENDING') this.due.add(task.taskId, task.scheduledAt);
    else if (task.completedAt !== null && isFinishedStatus(task.status))
      this.finished.add(task.status, task.completedAt.getTime(), task.taskId);
    if (task.status === 'PROCESSING') {
      this.processing.add(task.taskId);
      this.processingPerType.set(task.taskType, (this.processingPerType.get(task.taskType) ?? 0) + 1);
    }
  }
}
