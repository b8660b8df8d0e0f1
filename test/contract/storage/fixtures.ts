import {
  LogMessage,
  type LogType,
  type NewTask,
  type NewTaskLog,
  type StoragePort,
  type Task,
  type TaskPatch,
  type TaskStatus,
  type TaskTransition,
} from '../../../core/index.ts';

/**
 * Builders shared by the storage contract. Times are whole milliseconds (MySQL keeps
 * DATETIME(3)) and task ids are fixed-width lowercase ASCII, so every implementation sorts
 * them the same way whatever its collation.
 */
/** Gives each test the storage made for it (a fresh, empty one per test). */
export type CurrentStorage = () => StoragePort;

export const T0 = new Date('2026-03-01T10:00:00.000Z');

export function at(offsetMs: number): Date {
  return new Date(T0.getTime() + offsetMs);
}

let sequence = 0;

export function taskId(label = 'task'): string {
  sequence += 1;
  return `${label}-${String(sequence).padStart(6, '0')}`;
}

export function newTask(overrides: Partial<NewTask> = {}): NewTask {
  return {
    taskId: taskId(),
    taskType: 'contract.default',
    priority: 0,
    payload: { n: 1 },
    maxRetry: 3,
    timeout: 60,
    scheduledAt: T0,
    createdAt: T0,
    ...overrides,
  };
}

export function log(
  taskIdValue: string,
  fields: Partial<NewTaskLog> & { logType?: LogType; message: string },
): NewTaskLog {
  return {
    taskId: taskIdValue,
    logType: 'STATE_CHANGE',
    fromStatus: null,
    toStatus: null,
    workerId: null,
    retryCount: null,
    errorDetail: null,
    createdAt: T0,
    ...fields,
  };
}

/** A one-edge change with its STATE_CHANGE log. */
export function change(
  id: string,
  from: TaskStatus,
  to: TaskStatus,
  when: Date,
  patch: TaskPatch = {},
  extra: Partial<TaskTransition> = {},
): TaskTransition {
  return {
    taskId: id,
    from,
    to,
    patch,
    at: when,
    logs: [
      log(id, {
        fromStatus: from,
        toStatus: to,
        message: `${from} -> ${to}`,
        createdAt: when,
        workerId: patch.workerId ?? null,
      }),
    ],
    ...extra,
  };
}

export function assign(id: string, workerId: string, when: Date): TaskTransition {
  const transition = change(id, 'PENDING', 'PROCESSING', when, { workerId, startedAt: when });
  return {
    ...transition,
    logs: [
      log(id, {
        fromStatus: 'PENDING',
        toStatus: 'PROCESSING',
        message: LogMessage.assigned,
        workerId,
        createdAt: when,
      }),
    ],
  };
}

export function complete(id: string, workerId: string, when: Date): TaskTransition {
  return change(
    id,
    'PROCESSING',
    'SUCCESS',
    when,
    { result: { ok: true }, completedAt: when },
    { expectedWorkerId: workerId },
  );
}

/** Creates the tasks and fails loudly if any already existed. */
export async function seed(storage: StoragePort, tasks: NewTask[]): Promise<Task[]> {
  const results = await storage.createTasks(tasks);
  if (results.some((r) => !r.created)) throw new Error('seed: a task already existed');
  return results.map((r) => r.task);
}

/** Moves tasks to PROCESSING under `workerId`, asserting each change applied. */
export async function assignAll(storage: StoragePort, ids: string[], workerId: string, when: Date): Promise<void> {
  const { applied } = await storage.transition(ids.map((id) => assign(id, workerId, when)));
  if (applied.length !== ids.length) throw new Error(`assignAll: ${ids.length - applied.length} rejected`);
}

export const ids = (tasks: readonly Pick<Task, 'taskId'>[]): string[] => tasks.map((t) => t.taskId);
export const sortedIds = (tasks: readonly Pick<Task, 'taskId'>[]): string[] => ids(tasks).sort();

/** Expected listing order: created_at DESC, then task_id DESC. */
export function newestFirst<T extends Pick<Task, 'taskId' | 'createdAt'>>(tasks: readonly T[]): T[] {
  return [...tasks].sort(
    (a, b) => b.createdAt.getTime() - a.createdAt.getTime() || (a.taskId < b.taskId ? 1 : a.taskId > b.taskId ? -1 : 0),
  );
}
