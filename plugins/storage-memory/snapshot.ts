import type { JsonValue, Task, TaskLog, TaskTypeConfig, WorkerInfo } from '../../core/index.ts';

/*
 * Stored state never leaks: JSON values are cloned and deep-frozen on the way in (so they can
 * be shared safely with readers), Dates are copied on the way out (a frozen Date is still
 * mutable through setTime).
 */

/** Clones through JSON, as a database column would, and freezes the clone. */
export function frozenJson<T extends JsonValue>(value: T): T {
  return deepFreeze(JSON.parse(JSON.stringify(value)) as T);
}

/** Iterative: a deep document (validated elsewhere, but storage does not rely on it) cannot overflow the stack. */
function deepFreeze<T>(value: T): T {
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const current = stack.pop();
    if (typeof current !== 'object' || current === null) continue;
    for (const child of Object.values(current)) stack.push(child);
    Object.freeze(current);
  }
  return value;
}

const copyDate = (d: Date): Date => new Date(d.getTime());
const copyOptionalDate = (d: Date | null): Date | null => (d === null ? null : new Date(d.getTime()));

export function taskView(task: Task): Task {
  return {
    ...task,
    scheduledAt: copyDate(task.scheduledAt),
    startedAt: copyOptionalDate(task.startedAt),
    completedAt: copyOptionalDate(task.completedAt),
    createdAt: copyDate(task.createdAt),
    updatedAt: copyDate(task.updatedAt),
    progress: task.progress ? { ...task.progress, updatedAt: copyDate(task.progress.updatedAt) } : null,
  };
}

export function logView(log: TaskLog): TaskLog {
  return { ...log, createdAt: copyDate(log.createdAt) };
}

export function workerView(worker: WorkerInfo): WorkerInfo {
  return {
    ...worker,
    supportedTypes: [...worker.supportedTypes],
    lastHeartbeat: copyDate(worker.lastHeartbeat),
    ...(worker.createdAt ? { createdAt: copyDate(worker.createdAt) } : {}),
    ...(worker.updatedAt ? { updatedAt: copyDate(worker.updatedAt) } : {}),
  };
}

export function frozenTaskType(config: TaskTypeConfig): TaskTypeConfig {
  return Object.freeze({ ...config, executorConfig: frozenJson(config.executorConfig) });
}
