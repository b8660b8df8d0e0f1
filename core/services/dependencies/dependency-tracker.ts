import type { EventBus } from '../../ports/event-bus.ts';
import type { Logger } from '../../ports/logger.ts';
import { settleDependencies, type SettleDeps } from './settle.ts';

/** After a check that found nobody waiting, the next one waits at least this long (ms). */
const IDLE_CHECK_INTERVAL_MS = 10;

/**
 * Releases dependents when their dependencies end, without polling: it listens to this
 * process's final outcomes (completed, failed for good, cancelled), and per batch of them asks
 * storage once which ones some task waits on (`filterDependedOn`); only those are settled.
 * One check is in flight at a time and ids gathered meanwhile join the next, so tasks nobody
 * depends on cost one cheap read per batch, never one per task.
 */
export class DependencyTracker {
  private pending = new Set<string>();
  private flushing: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private lastEmptyCheckAt = 0;
  private readonly offs: (() => void)[] = [];
  private closed = false;

  constructor(
    private readonly deps: SettleDeps,
    private readonly logger: Logger,
  ) {}

  /** Subscribes to this process's events (others' completions are settled where they happen). */
  listen(events: EventBus): void {
    const local = { localOnly: true };
    this.offs.push(
      events.on('task_completed', (e) => this.ended(e.taskId), local),
      events.on('task_failed', (e) => (e.final ? this.ended(e.taskId) : undefined), local),
      events.on('task_cancelled', (e) => this.ended(e.taskId), local),
    );
  }

  /** A task ended for good here: its dependents (if any) are settled soon. */
  ended(taskId: string): void {
    if (this.closed) return;
    this.pending.add(taskId);
    this.schedule();
  }

  /** Settles now and waits (new dependents whose dependencies may have ended while they were written). */
  settleNow(dependencyIds: readonly string[]): Promise<number> {
    return settleDependencies(this.deps, dependencyIds);
  }

  /** Waits for the checks under way; later events are ignored. */
  async close(): Promise<void> {
    this.closed = true;
    for (const off of this.offs.splice(0)) off();
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.flushing;
    if (this.pending.size > 0) await this.flush();
  }

  private schedule(): void {
    if (this.flushing || this.timer) return;
    const wait = Math.max(0, this.lastEmptyCheckAt + IDLE_CHECK_INTERVAL_MS - Date.now());
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.flushing = this.flush().finally(() => {
        this.flushing = undefined;
        if (this.pending.size > 0 && !this.closed) this.schedule();
      });
    }, wait);
  }

  private async flush(): Promise<void> {
    const ids = [...this.pending];
    this.pending = new Set();
    try {
      const dependedOn = await this.deps.storage.filterDependedOn(ids);
      if (dependedOn.length === 0) {
        this.lastEmptyCheckAt = Date.now();
        return;
      }
      await settleDependencies(this.deps, dependedOn);
    } catch (error) {
      // The leader's reconciliation settles what this missed (findUnsettledDependencies).
      this.logger.warn({ err: error, count: ids.length }, 'settling task dependencies failed; reconciliation will');
    }
  }
}
