import { describe, expect, it } from 'vitest';
import { isWorkerHealthy, type WorkerInfo } from './worker.ts';

describe('workers', () => {
  const worker = (status: WorkerInfo['status'], lastHeartbeatMs: number): WorkerInfo => ({
    workerId: 'w1',
    workerName: 'w1',
    address: 'h:1',
    status,
    capacity: 4,
    currentLoad: 0,
    supportedTypes: [],
    weight: 1,
    lastHeartbeat: new Date(lastHeartbeatMs),
  });

  it('isWorkerHealthy: a heartbeat exactly at the timeout still counts, one ms later does not', () => {
    const now = new Date(100_000);
    expect(isWorkerHealthy(worker('ONLINE', 70_000), now, 30_000)).toBe(true);
    expect(isWorkerHealthy(worker('ONLINE', 69_999), now, 30_000)).toBe(false);
    expect(isWorkerHealthy(worker('ONLINE', 100_000), now, 30_000)).toBe(true);
    expect(isWorkerHealthy(worker('OFFLINE', 100_000), now, 30_000)).toBe(false);
  });
});
