import type { Gauge } from 'prom-client';
import { isWorkerHealthy, type QueueLengths, type WorkerInfo } from '../../core/index.ts';

type GaugeFactory = <L extends string>(base: string, help: string, labelNames?: L[]) => Gauge<L>;

/**
 * Cluster-wide values, exported by the leader only (cluster-sampler.ts): every process sees
 * the same queues and registry, and one exporter keeps `sum()` in a dashboard honest.
 */
export class ClusterGauges {
  private readonly workers: Gauge<'state'>;
  private readonly heartbeatAge: Gauge<'worker_id'>;
  private readonly capacity: Gauge<'worker_id'>;

  constructor(
    gauge: GaugeFactory,
    private readonly queueLength: Gauge<'queue'>,
  ) {
    this.workers = gauge(
      'cluster_workers',
      'Workers in the registry: healthy (ONLINE, heartbeat within the timeout) or unhealthy (about to be recovered); exported by the leader',
      ['state'],
    );
    this.heartbeatAge = gauge(
      'worker_heartbeat_age_seconds',
      "Seconds since each registered worker's last heartbeat; exported by the leader",
      ['worker_id'],
    );
    this.capacity = gauge('worker_capacity', 'Tasks each registered worker may run at once; exported by the leader', [
      'worker_id',
    ]);
  }

  setQueues(lengths: QueueLengths): void {
    this.queueLength.set({ queue: 'high' }, lengths.high);
    this.queueLength.set({ queue: 'normal' }, lengths.normal);
    this.queueLength.set({ queue: 'delayed' }, lengths.delayed);
    this.queueLength.set({ queue: 'claimed' }, lengths.claimed);
  }

  setWorkers(workers: readonly WorkerInfo[], now: Date, heartbeatTimeoutMs: number): void {
    // Reset first: a worker that left the registry must not linger with its last values.
    this.heartbeatAge.reset();
    this.capacity.reset();
    let healthy = 0;
    for (const worker of workers) {
      if (isWorkerHealthy(worker, now, heartbeatTimeoutMs)) healthy++;
      this.heartbeatAge.set(
        { worker_id: worker.workerId },
        Math.max(0, (now.getTime() - worker.lastHeartbeat.getTime()) / 1000),
      );
      this.capacity.set({ worker_id: worker.workerId }, worker.capacity);
    }
    this.workers.set({ state: 'healthy' }, healthy);
    this.workers.set({ state: 'unhealthy' }, workers.length - healthy);
  }

  /** Not (or no longer) the leader: export nothing cluster-wide. */
  clear(): void {
    this.queueLength.reset();
    this.workers.reset();
    this.heartbeatAge.reset();
    this.capacity.reset();
  }
}
