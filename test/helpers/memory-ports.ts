import {
  InProcessEventBus,
  type EventName,
  type NewTask,
  type Task,
  type TaskTypeInput,
  type WorkerInfo,
} from '../../core/index.ts';
import { coreConfigSchema, type CoreConfig } from '../../core/config/config-schema.ts';
import { TaskStateWriter, noTaskCache } from '../../core/services/task-state.ts';
import { TaskTypeCatalog } from '../../core/services/task-type-catalog.ts';
import { createMemoryQueuePair } from '../../plugins/queue-memory/memory-queue-pair.ts';
import { MemoryTaskTypeControls } from '../../plugins/storage-memory/task-type-controls.ts';
import { MemoryStorage } from '../../plugins/storage-memory/memory-storage.ts';
import { FakeClock } from './fake-clock.ts';
import { silentLogger } from './fake-plugin-context.ts';

/**
 * The core's ports on the embedded plugins (memory storage, memory queue and coordination)
 * under a fake clock, with every emitted event recorded: for unit tests that drive one
 * service step by hand, with no app, no timers and no sleeping.
 */
export async function memoryPorts(taskTypes: TaskTypeInput[] = [{ taskType: 'email', executorType: 'local' }]) {
  const clock = new FakeClock();
  const storage = new MemoryStorage(clock);
  const { queue, coordination } = createMemoryQueuePair(clock);
  const logger = silentLogger();
  const events = new InProcessEventBus(clock, 'unit-test', logger);
  const emitted: { name: EventName; event: Record<string, unknown> }[] = [];
  events.onAny((name, event) => emitted.push({ name, event: event as unknown as Record<string, unknown> }));
  const state = new TaskStateWriter(storage, noTaskCache);
  const controls = new MemoryTaskTypeControls((type) => storage.getTaskType(type));
  const types = new TaskTypeCatalog(storage, clock, controls);
  await types.sync(taskTypes);
  const config: CoreConfig = coreConfigSchema.parse({});

  /** Stores PENDING tasks due now and queues them, as task creation does. */
  const createQueued = async (
    tasks: { taskId: string; priority?: 0 | 1; taskType?: string; traceParent?: string }[],
  ): Promise<void> => {
    const now = clock.now();
    const rows: NewTask[] = tasks.map((t) => ({
      taskId: t.taskId,
      taskType: t.taskType ?? 'email',
      priority: t.priority ?? 0,
      payload: {},
      maxRetry: 3,
      timeout: 60,
      scheduledAt: now,
      createdAt: now,
      ...(t.traceParent ? { traceParent: t.traceParent } : {}),
    }));
    await storage.createTasks(rows);
    await queue.enqueue(rows.map((r) => ({ taskId: r.taskId, priority: r.priority })));
  };

  /** Registers a live worker (its heartbeat is now). */
  const registerWorker = async (worker: WorkerInfo): Promise<void> => {
    await coordination.workers.register({ ...worker, lastHeartbeat: clock.now() }, config.worker.heartbeatTimeout);
  };

  const task = async (taskId: string): Promise<Task> => {
    const found = await storage.getTask(taskId);
    if (!found) throw new Error(`no task ${taskId}`);
    return found;
  };

  return {
    clock,
    storage,
    queue,
    coordination,
    logger,
    events,
    emitted,
    state,
    types,
    config,
    createQueued,
    registerWorker,
    task,
  };
}
