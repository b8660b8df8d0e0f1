import type { ExecutionContext, JsonObject, Task, TaskTypeConfig, WorkerInfo } from '../../core/index.ts';
import { silentLogger } from './fake-plugin-context.ts';

const EPOCH = new Date('2026-01-01T00:00:00Z');

export function makeTask(overrides: Partial<Task> = {}): Task {
  return {
    taskId: 'task-1',
    taskType: 'echo',
    priority: 0,
    status: 'PROCESSING',
    payload: {},
    result: null,
    errorMsg: null,
    retryCount: 0,
    maxRetry: 3,
    timeout: 300,
    workerId: 'worker-1',
    scheduledAt: EPOCH,
    startedAt: EPOCH,
    completedAt: null,
    createdAt: EPOCH,
    updatedAt: EPOCH,
    ...overrides,
  };
}

export function makeWorker(workerId: string, overrides: Partial<WorkerInfo> = {}): WorkerInfo {
  return {
    workerId,
    workerName: workerId,
    address: '127.0.0.1',
    status: 'ONLINE',
    capacity: 10,
    currentLoad: 0,
    supportedTypes: ['echo'],
    weight: 1,
    lastHeartbeat: EPOCH,
    ...overrides,
  };
}

export function makeTaskType(overrides: Partial<TaskTypeConfig> = {}): TaskTypeConfig {
  return {
    taskType: 'echo',
    taskName: 'echo',
    description: null,
    executorType: 'demo',
    executorConfig: {},
    defaultTimeout: 300,
    defaultMaxRetry: 3,
    retryStrategy: 'FIXED',
    retryDelay: 10,
    backoffRate: 2,
    maxConcurrent: 10,
    enabled: true,
    ...overrides,
  };
}

export interface RecordingExecutionContext extends ExecutionContext {
  readonly logs: { message: string; detail?: string }[];
  readonly progressReports: { percent: number; message?: string }[];
}

/** An ExecutionContext that records log and progress calls; pass a signal to test aborts. */
export function makeExecutionContext(
  options: {
    signal?: AbortSignal;
    executorConfig?: JsonObject;
    taskType?: Partial<TaskTypeConfig>;
    traceParent?: string;
  } = {},
): RecordingExecutionContext {
  const logs: { message: string; detail?: string }[] = [];
  const progressReports: { percent: number; message?: string }[] = [];
  return {
    signal: options.signal ?? new AbortController().signal,
    taskType: makeTaskType({ ...options.taskType, executorConfig: options.executorConfig ?? {} }),
    workerId: 'worker-1',
    logger: silentLogger(),
    ...(options.traceParent ? { traceParent: options.traceParent } : {}),
    logs,
    progressReports,
    log(message, detail) {
      logs.push(detail === undefined ? { message } : { message, detail });
    },
    progress(percent, message) {
      progressReports.push(message === undefined ? { percent } : { percent, message });
    },
  };
}
