export const WorkerStatus = { ONLINE: 'ONLINE', OFFLINE: 'OFFLINE' } as const;
export type WorkerStatus = (typeof WorkerStatus)[keyof typeof WorkerStatus];

/** A worker as the registry knows it (storage's worker_registry and the live `worker:{id}`: docs/design.md#storage). */
export interface WorkerInfo {
  readonly workerId: string;
  readonly workerName: string;
  readonly address: string;
  readonly status: WorkerStatus;
  readonly capacity: number;
  readonly currentLoad: number;
  readonly supportedTypes: readonly string[];
  /** Weighted round robin; 1 when not set. */
  readonly weight: number;
  readonly lastHeartbeat: Date;
  readonly createdAt?: Date;
  readonly updatedAt?: Date;
}

/** Healthy = ONLINE and a heartbeat within the timeout (the boundary counts as healthy; C27). */
export function isWorkerHealthy(worker: WorkerInfo, now: Date, heartbeatTimeoutMs: number): boolean {
  return worker.status === 'ONLINE' && now.getTime() - worker.lastHeartbeat.getTime() <= heartbeatTimeoutMs;
}

export function supportsTaskType(worker: WorkerInfo, taskType: string): boolean {
  return worker.supportedTypes.includes(taskType);
}

export function hasSpareCapacity(worker: WorkerInfo): boolean {
  return worker.status === 'ONLINE' && worker.currentLoad < worker.capacity;
}
