import type { Task } from '../../domain/task.ts';
import { LogMessage } from '../../domain/task-log.ts';
import type { Clock } from '../../ports/clock.ts';
import type { LeaderQueue } from '../../ports/queue.ts';
import { stateLog } from '../log-entries.ts';
import { recoveryTransition } from '../requeue.ts';
import type { TaskStateWriter } from '../task-state.ts';
import type { WorkerList } from './worker-list.ts';

/**
 * What a `dispatch` did not move to the worker, dealt with: the dispatch round and the
 * resumption of a dead leader's claims both end with these.
 */
export class DispatchLeftovers {
  constructor(
    private readonly queue: LeaderQueue,
    private readonly state: TaskStateWriter,
    private readonly clock: Clock,
    private readonly workers: WorkerList,
  ) {}

  /** Dispatch skipped tasks carrying a cancel mark: they were PROCESSING, so we finish the cancel. */
  async cancelSkipped(ids: string[], tasks: Map<string, Task>, workerId: string): Promise<void> {
    const now = this.clock.now();
    await this.state.transition(
      ids.map((id) => ({
        taskId: id,
        from: 'PROCESSING' as const,
        to: 'CANCELLED' as const,
        expectedWorkerId: workerId,
        patch: { completedAt: now },
        logs: [
          stateLog(
            tasks.get(id) ?? { taskId: id, retryCount: 0 },
            'PROCESSING',
            'CANCELLED',
            LogMessage.cancelledByUser,
            now,
            workerId,
          ),
        ],
        at: now,
      })),
    );
  }

  /**
   * The worker left the registry between planning and dispatch (a graceful stop, or removed
   * as dead): its tasks, written PROCESSING for it, go back to PENDING at the head of their queue.
   */
  async returnRefused(ids: string[], tasks: Map<string, Task>, workerId: string): Promise<void> {
    this.workers.invalidate();
    const now = this.clock.now();
    const refused = ids.flatMap((id) => tasks.get(id) ?? []);
    const { applied } = await this.state.transition(refused.map((task) => recoveryTransition(task, workerId, now)));
    const appliedSet = new Set(applied);
    await this.queue.unclaim(
      refused.filter((t) => appliedSet.has(t.taskId)).map((t) => ({ taskId: t.taskId, priority: t.priority })),
    );
    const rest = ids.filter((id) => !appliedSet.has(id));
    if (rest.length > 0) await this.queue.discardClaimed(rest);
  }
}
