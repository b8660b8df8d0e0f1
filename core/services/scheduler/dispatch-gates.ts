import type { Task } from '../../domain/task.ts';
import type { TaskTypeConfig } from '../../domain/task-type.ts';
import type { MetricsPort } from '../../ports/metrics.ts';
import type { DelayedEntry } from '../../ports/queue.ts';
import type { RateLimiter } from '../../ports/rate-limiter.ts';

/** The key of a task type's dispatch window (`ratelimit:task:{type}` on Redis). */
export const taskRateKey = (taskType: string) => `task:${taskType}`;

/**
 * What may keep a claimed task from its dispatch besides workers: its type is paused, or its
 * type's rate limit is spent for this window. Both cost only an in-memory lookup for tasks of
 * types with neither (docs/design.md#pause-and-rate-limits).
 */
export class DispatchGates {
  constructor(
    private readonly limiter: RateLimiter,
    private readonly metrics: MetricsPort,
  ) {}

  /**
   * Splits out the tasks of paused types. The caller drops them from the claimed list: they
   * stay PENDING in storage and in no queue (so no round reads them again) until a resume
   * queues them again (tasks/release-paused.ts).
   */
  withoutPaused(tasks: readonly Task[], typeOf: (taskType: string) => TaskTypeConfig | undefined) {
    const runnable: Task[] = [];
    const paused: Task[] = [];
    for (const task of tasks) (typeOf(task.taskType)?.paused ? paused : runnable).push(task);
    return { runnable, paused };
  }

  /**
   * Takes the rate-limited types' dispatches from the cluster-wide window, one atomic call per
   * such type; what the window does not grant leaves `assignments` and comes back as delayed
   * entries due when the window ends: those tasks wait in the delayed set, not in a round.
   */
  async limitRates(
    assignments: Map<string, Task[]>,
    typeOf: (taskType: string) => TaskTypeConfig | undefined,
    now: Date,
  ): Promise<DelayedEntry[]> {
    const wanted = new Map<string, number>();
    for (const tasks of assignments.values()) {
      for (const task of tasks) {
        if (typeOf(task.taskType)?.rateLimit) wanted.set(task.taskType, (wanted.get(task.taskType) ?? 0) + 1);
      }
    }
    if (wanted.size === 0) return [];
    const allowance = new Map<string, { left: number; retryAfterMs: number }>();
    await Promise.all(
      [...wanted].map(async ([taskType, count]) => {
        const limit = typeOf(taskType)!.rateLimit!;
        const grant = await this.limiter.take(taskRateKey(taskType), count, limit.max, limit.perMs);
        allowance.set(taskType, { left: grant.granted, retryAfterMs: grant.retryAfterMs });
      }),
    );
    const held: DelayedEntry[] = [];
    const heldPerType = new Map<string, number>();
    for (const [workerId, tasks] of assignments) {
      const kept = tasks.filter((task) => {
        const window = allowance.get(task.taskType);
        if (!window) return true;
        if (window.left > 0) {
          window.left--;
          return true;
        }
        held.push({
          taskId: task.taskId,
          priority: task.priority,
          dueAt: new Date(now.getTime() + Math.max(1, window.retryAfterMs)),
        });
        heldPerType.set(task.taskType, (heldPerType.get(task.taskType) ?? 0) + 1);
        return false;
      });
      if (kept.length > 0) assignments.set(workerId, kept);
      else assignments.delete(workerId);
    }
    for (const [taskType, count] of heldPerType) this.metrics.recordRateLimited?.(taskType, count);
    return held;
  }
}
