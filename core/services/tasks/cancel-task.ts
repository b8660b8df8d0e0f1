import { InvalidStateError } from '../../domain/errors.ts';
import type { Task } from '../../domain/task.ts';
import { LogMessage } from '../../domain/task-log.ts';
import type { Clock } from '../../ports/clock.ts';
import type { CancelSignals } from '../../ports/coordination.ts';
import type { EventBus } from '../../ports/event-bus.ts';
import { stateLog } from '../log-entries.ts';
import type { TaskStateWriter } from '../task-state.ts';
import { readTask } from './read-task.ts';

/**
 * PENDING → CANCELLED (it will never run), or PROCESSING → CANCELLED and the worker is told
 * to abort the executor at once. The status guard makes a race with the scheduler or the
 * worker safe: whoever writes first wins, and we re-read and decide again.
 */
export async function cancelTask(
  state: TaskStateWriter,
  cancels: CancelSignals,
  clock: Clock,
  events: EventBus,
  taskId: string,
): Promise<Task> {
  for (let attempt = 0; attempt < 3; attempt++) {
    const task = await readTask(state, taskId);
    if (task.status !== 'PENDING' && task.status !== 'PROCESSING') {
      throw new InvalidStateError(`task cannot be cancelled, current status: ${task.status}`, {
        task_id: taskId,
        status: task.status,
      });
    }
    const now = clock.now();
    const { applied } = await state.transition([
      {
        taskId,
        from: task.status,
        to: 'CANCELLED',
        expectedWorkerId: task.workerId ?? undefined,
        patch: { completedAt: now },
        logs: [stateLog(task, task.status, 'CANCELLED', LogMessage.cancelledByUser, now, task.workerId)],
        at: now,
      },
    ]);
    if (applied.length === 0) continue;
    if (task.status === 'PROCESSING') await cancels.requestCancel(taskId, task.workerId);
    events.emit('task_cancelled', { taskId, taskType: task.taskType, from: task.status });
    return readTask(state, taskId);
  }
  throw new InvalidStateError('task changed state while being cancelled; try again', { task_id: taskId });
}
