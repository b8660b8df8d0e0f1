import { InvalidStateError } from '../../domain/errors.ts';
import type { Task } from '../../domain/task.ts';
import { LogMessage } from '../../domain/task-log.ts';
import type { Clock } from '../../ports/clock.ts';
import type { EventBus } from '../../ports/event-bus.ts';
import { stateLog } from '../log-entries.ts';
import type { TaskStateWriter } from '../task-state.ts';
import type { EnqueueBatcher } from './enqueue-batcher.ts';
import { readTask } from './read-task.ts';

/**
 * Manual retry of a FAILED or TIMEOUT task, usually one whose automatic retries are used
 * up: it goes back to PENDING with a fresh retry budget (retry_count 0).
 */
export async function retryTask(
  state: TaskStateWriter,
  enqueue: EnqueueBatcher,
  clock: Clock,
  events: EventBus,
  taskId: string,
): Promise<Task> {
  const task = await readTask(state, taskId);
  if (task.status !== 'FAILED' && task.status !== 'TIMEOUT') {
    throw new InvalidStateError(`only FAILED or TIMEOUT tasks can be retried, current status: ${task.status}`, {
      task_id: taskId,
      status: task.status,
    });
  }
  const now = clock.now();
  const { applied } = await state.transition([
    {
      taskId,
      from: task.status,
      to: 'PENDING',
      patch: { retryCount: 0, workerId: null, startedAt: null, completedAt: null, scheduledAt: now },
      logs: [
        {
          ...stateLog(task, task.status, 'PENDING', LogMessage.manualRetry, now, null),
          logType: 'RETRY',
          retryCount: 0,
        },
      ],
      at: now,
    },
  ]);
  if (applied.length === 0)
    throw new InvalidStateError('task changed state while being retried; try again', { task_id: taskId });
  await enqueue.add([{ taskId, priority: task.priority }], []);
  events.emit('task_retried', { taskId, taskType: task.taskType, retryCount: 0, delayMs: 0 });
  return readTask(state, taskId);
}
