import { pino } from 'pino';
import {
  createTaskManager,
  type Clock,
  type Plugin,
  type TaskManager,
  type TaskManagerConfigInput,
  type TaskTypeInput,
} from '../../core/index.ts';
import { localExecutor, type LocalHandler } from '../../plugins/executor-local/index.ts';
import { loadBalancers } from '../../plugins/load-balancers/index.ts';
import { memoryQueue } from '../../plugins/queue-memory/index.ts';
import { memoryStorage } from '../../plugins/storage-memory/index.ts';

export interface MemoryAppOptions {
  handlers: Record<string, LocalHandler>;
  taskTypes?: Partial<TaskTypeInput>[];
  config?: Partial<TaskManagerConfigInput>;
  clock?: Clock;
  env?: Record<string, string>;
  /** The queue + coordination plugin, memoryQueue() by default. */
  queue?: Plugin;
}

/** An app on the embedded plugins with local handlers; every handler's type gets a task type. */
export async function memoryApp(options: MemoryAppOptions): Promise<TaskManager> {
  const declared = new Map((options.taskTypes ?? []).map((t) => [t.taskType, t]));
  const taskTypes = Object.keys(options.handlers).map((taskType) => ({
    taskType,
    executorType: 'local',
    retryDelay: 0,
    maxConcurrent: 0,
    ...declared.get(taskType),
  }));
  const { config = {} } = options;
  return createTaskManager(
    {
      ...config,
      app: { logLevel: 'silent', ...config.app },
      scheduler: { scanInterval: '20ms', ...config.scheduler },
      worker: { takeWait: '200ms', ...config.worker },
      taskTypes,
      plugins: [
        memoryStorage(),
        options.queue ?? memoryQueue(),
        loadBalancers(),
        localExecutor(options.handlers),
        ...(config.plugins ?? []),
      ],
    },
    { env: options.env ?? {}, clock: options.clock, logger: pino({ level: 'silent' }) },
  );
}

/** Resolves when `task.status` satisfies `done`, polling storage through the service. */
export async function waitForStatus(app: TaskManager, taskId: string, statuses: string[], timeoutMs = 5_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const task = await app.services.tasks.get(taskId);
    if (statuses.includes(task.status)) return task;
    if (Date.now() > deadline) throw new Error(`task ${taskId} is ${task.status}, expected ${statuses.join('|')}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** A promise with its resolve exposed (a gate a handler waits on). */
export function gate<T = void>() {
  let open!: (value: T) => void;
  const promise = new Promise<T>((resolve) => (open = resolve));
  return { promise, open };
}
