import { isWorkerHealthy, type WorkerInfo } from '../../domain/worker.ts';
import type { Clock } from '../../ports/clock.ts';
import type { WorkerRegistry } from '../../ports/coordination.ts';

/** How long the leader reuses its list of registered workers (loads are read fresh every tick). */
const WORKER_LIST_TTL_MS = 250;

/** The registered workers as the leader sees them, read at most every WORKER_LIST_TTL_MS. */
export class WorkerList {
  private cache: { at: number; workers: WorkerInfo[] } | undefined;

  constructor(
    private readonly registry: WorkerRegistry,
    private readonly clock: Clock,
    private readonly heartbeatTimeoutMs: () => number,
  ) {}

  /** The workers whose heartbeat is recent enough. */
  async healthy(): Promise<WorkerInfo[]> {
    const nowMs = Date.now();
    if (!this.cache || nowMs - this.cache.at > WORKER_LIST_TTL_MS) {
      this.cache = { at: nowMs, workers: await this.registry.listWorkers() };
    }
    const now = this.clock.now();
    return this.cache.workers.filter((w) => isWorkerHealthy(w, now, this.heartbeatTimeoutMs()));
  }

  /** A worker left or died: read the registry again next time. */
  invalidate(): void {
    this.cache = undefined;
  }
}
