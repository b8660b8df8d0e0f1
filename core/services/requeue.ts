import type { Task } from '../domain/task.ts';
import { LogMessage } from '../domain/task-log.ts';
import type { ProducerQueue } from '../ports/queue.ts';
import type { TaskTransition } from '../ports/storage.ts';
import { stateLog } from './log-entries.ts';
import type { TaskStateWriter } from './task-state.ts';

/** PROCESSING → PENDING for a task its worker will not finish (dead, or shutting down). */
export function recoveryTransition(task: Task, workerId: string, now: Date): TaskTransition {
  return {
    taskId: task.taskId,
    from: 'PROCESSING',
    to: 'PENDING',
    expectedWorkerId: workerId,
    patch: { workerId: null, startedAt: null, scheduledAt: now },
    logs: [stateLog(task, 'PROCESSING', 'PENDING', LogMessage.recovered(workerId), now, workerId)],
    at: now,
  };
}

/** Writes the recoveries, then queues the tasks whose guard matched; returns how many. */
export async function requeueFromWorker(
  tasks: readonly Task[],
  workerId: string,
  now: Date,
  state: TaskStateWriter,
  queue: ProducerQueue,
): Promise<number> {
  if (tasks.length === 0) return 0;
  const { applied } = await state.transition(tasks.map((task) => recoveryTransition(task, workerId, now)));
  const appliedSet = new Set(applied);
  await queue.enqueue(
    tasks.filter((t) => appliedSet.has(t.taskId)).map((t) => ({ taskId: t.taskId, priority: t.priority })),
  );
  return applied.length;
}
