import type { Logger } from '../../ports/logger.ts';

/**
 * The acks of a worker's finished tasks (their outcomes are durable), sent with the worker's
 * next take so one round trip serves both. A finished short task is followed by a take within
 * microseconds; acks no take has carried within `delayMs` (every slot busy with long tasks, or
 * the worker idle) go out on their own. Until acked, an id only sits in the worker's
 * processing list, where recovery would find its task already finished.
 */
export class AckBatcher {
  private due: string[] = [];
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly send: (taskIds: string[]) => Promise<void>,
    private readonly delayMs: number,
    private readonly log: Logger,
  ) {}

  /**
   * `now`: no take will carry them soon (the worker is already parked in one, which left
   * without them), so they go out at once; waiting would hold the worker's room for nothing.
   */
  add(taskIds: readonly string[], now = false): void {
    for (const id of taskIds) this.due.push(id);
    if (now) void this.flush();
    else this.timer ??= setTimeout(() => void this.flush(), this.delayMs);
  }

  /** The acks due, for a take to carry; `restore` them if that take fails. */
  takeDue(): string[] {
    clearTimeout(this.timer);
    this.timer = undefined;
    const ids = this.due;
    this.due = [];
    return ids;
  }

  /** A call that carried them failed: they wait for the next take or add (no retry loop while the queue is down). */
  restore(taskIds: string[]): void {
    this.due = taskIds.concat(this.due);
  }

  /** Sends what is due on its own. */
  async flush(): Promise<void> {
    const ids = this.takeDue();
    if (ids.length === 0) return;
    try {
      await this.send(ids);
    } catch (error) {
      this.restore(ids);
      this.log.warn({ err: error, tasks: ids.length }, 'acking finished tasks failed; will retry');
    }
  }
}
