import type { TaskStatus } from '../domain/task.ts';

/** A storage backend's connection pool at one moment. */
export interface StoragePoolUsage {
  /** Connections checked out by a query or transaction. */
  inUse: number;
  /** Open connections waiting in the pool. */
  idle: number;
  /** Callers waiting for a connection because every one is in use. */
  waiting: number;
  /** The pool's size limit. */
  max: number;
}

/** What happened to one alert notification. */
export type AlertNotificationResult = 'sent' | 'failed' | 'dropped' | 'suppressed';

/**
 * Every method is cheap and synchronous (counters in memory), so it may be called from the
 * scheduler's and the workers' loops. What can be derived from events (retries, dead tasks,
 * config reloads) is counted by the metrics plugin from the event bus instead.
 */
export interface MetricsPort {
  recordTaskCreated(taskType: string, count?: number): void;
  recordTaskCompleted(taskType: string, durationSeconds: number, status: TaskStatus): void;
  recordTaskFailed(taskType: string, reason: string): void;
  recordWorkerRegistered(workerId: string): void;
  recordWorkerOffline(workerId: string): void;
  recordWorkerLoad(workerId: string, load: number): void;
  recordQueueLength(queue: string, length: number): void;
  recordSchedulerElection(schedulerId: string, isLeader: boolean): void;
  /** One dispatch round of the leader: how many tasks it sent to workers, and whether it failed. */
  recordSchedulingRound(dispatched: number, durationSeconds: number, ok: boolean): void;
  /** One storage round trip (`operation`: select, insert, update, delete, other). */
  recordStorageQuery(storage: string, operation: string, durationSeconds: number, ok: boolean): void;
  recordStoragePool(storage: string, usage: StoragePoolUsage): void;
  /** A failed call to a dependency (`redis`, `mysql`, …), by kind (`command`, `connection`). */
  recordDependencyError(dependency: string, kind: string): void;
  /** A dependency connection came back after it dropped. */
  recordDependencyReconnect(dependency: string, connection: string): void;
  recordAlertNotification(result: AlertNotificationResult): void;
  /**
   * Runs `collect` right before each scrape, for values that are sampled rather than counted
   * (pool usage, queue lengths). Returns a function that removes it.
   */
  onCollect(collect: () => void | Promise<void>): () => void;
  /** Finished tasks deleted by retention (optional: older metrics plugins leave it out). */
  recordTasksDeleted?(status: TaskStatus, count: number): void;
  /** Fires of a schedule: `created` tasks, or `skipped` missed fire times (optional, as above). */
  recordScheduleFires?(scheduleId: string, outcome: 'created' | 'skipped' | 'failed', count: number): void;
  /** The task types paused now, as the leader sees them (a gauge per type; optional). */
  recordPausedTaskTypes?(taskTypes: readonly string[]): void;
  /** Tasks held back by their type's rate limit (optional). */
  recordRateLimited?(taskType: string, count: number): void;
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
  recordSchedulingRound() {},
  recordStorageQuery() {},
  recordStoragePool() {},
  recordDependencyError() {},
  recordDependencyReconnect() {},
  recordAlertNotification() {},
  onCollect() {
    return () => {};
  },
};
