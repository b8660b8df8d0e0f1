import type { TaskStatus } from '../domain/task.ts';

/** SPEC §4 Metrics: every method is cheap and synchronous (counters in memory). */
export interface MetricsPort {
  recordTaskCreated(taskType: string, count?: number): void;
  recordTaskCompleted(taskType: string, durationSeconds: number, status: TaskStatus): void;
  recordTaskFailed(taskType: string, reason: string): void;
  recordWorkerRegistered(workerId: string): void;
  recordWorkerOffline(workerId: string): void;
  recordWorkerLoad(workerId: string, load: number): void;
  recordQueueLength(queue: string, length: number): void;
  recordSchedulerElection(schedulerId: string, isLeader: boolean): void;
  /** Finished tasks deleted by retention (optional: older metrics plugins leave it out). */
  recordTasksDeleted?(status: TaskStatus, count: number): void;
}

export const noopMetrics: MetricsPort = {
  recordTaskCreated() {},
  recordTaskCompleted() {},
  recordTaskFailed() {},
  recordWorkerRegistered() {},
  recordWorkerOffline() {},
  recordWorkerLoad() {},
  recordQueueLength() {},
  recordSchedulerElection() {},
};
