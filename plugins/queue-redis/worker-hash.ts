import { WorkerStatus } from '../../core/index.ts';
import type { WorkerInfo } from '../../core/index.ts';

/**
 * The `worker:{id}` hash (docs/operations.md#key-layout). Times are milliseconds since the epoch; supported
 * types are comma-joined (task type names cannot contain a comma).
 */
export function encodeWorker(worker: WorkerInfo, now: Date): Record<string, string> {
  return {
    worker_id: worker.workerId,
    worker_name: worker.workerName,
    address: worker.address,
    status: WorkerStatus.ONLINE,
    capacity: String(worker.capacity),
    current_load: String(worker.currentLoad),
    supported_types: worker.supportedTypes.join(','),
    weight: String(worker.weight),
    last_heartbeat: String(worker.lastHeartbeat.getTime()),
    created_at: String((worker.createdAt ?? now).getTime()),
    updated_at: String(now.getTime()),
  };
}

function number(value: string | undefined, fallback: number): number {
  const parsed = Number(value);
  return value !== undefined && Number.isFinite(parsed) ? parsed : fallback;
}

/**
 * A listed id whose hash is gone (TTL expired) is a dead worker: OFFLINE, heartbeat at
 * the epoch, so the leader's health check recovers its tasks.
 */
export function decodeWorker(workerId: string, hash: Record<string, string>): WorkerInfo {
  if (!hash.worker_id) {
    return {
      workerId,
      workerName: workerId,
      address: '',
      status: WorkerStatus.OFFLINE,
      capacity: 0,
      currentLoad: 0,
      supportedTypes: [],
      weight: 1,
      lastHeartbeat: new Date(0),
    };
  }
  return {
    workerId,
    workerName: hash.worker_name ?? workerId,
    address: hash.address ?? '',
    status: hash.status === WorkerStatus.OFFLINE ? WorkerStatus.OFFLINE : WorkerStatus.ONLINE,
    capacity: number(hash.capacity, 0),
    currentLoad: number(hash.current_load, 0),
    supportedTypes: hash.supported_types ? hash.supported_types.split(',') : [],
    weight: number(hash.weight, 1),
    lastHeartbeat: new Date(number(hash.last_heartbeat, 0)),
    createdAt: new Date(number(hash.created_at, 0)),
    updatedAt: new Date(number(hash.updated_at, 0)),
  };
}
