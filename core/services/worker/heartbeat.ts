import os from 'node:os';
import type { WorkerInfo } from '../../domain/worker.ts';
import type { CoreConfig } from '../../config/config-schema.ts';
import type { Clock } from '../../ports/clock.ts';
import type { WorkerRegistry } from '../../ports/coordination.ts';
import type { Logger } from '../../ports/logger.ts';
import type { MetricsPort } from '../../ports/metrics.ts';
import type { StoragePort } from '../../ports/storage.ts';

export interface HeartbeatParams {
  workerId: string;
  config: CoreConfig;
  registry: WorkerRegistry;
  storage: StoragePort;
  metrics: MetricsPort;
  clock: Clock;
  log: Logger;
  /** Tasks running now. */
  load: () => number;
  supportedTypes: () => string[];
  /** Runs after each periodic heartbeat (the worker audits its processing list there). */
  afterBeat: () => Promise<void>;
}

/**
 * The worker's entry in the live registry (what the leader dispatches by) and in storage's
 * durable record: registered on start, refreshed with its load every heartbeatInterval, and
 * registered again when the entry expired or no longer matches the worker.
 */
export class Heartbeat {
  private timer: NodeJS.Timeout | undefined;
  /** Set when the registry entry no longer matches this worker (a reloaded capacity). */
  private registrationStale = false;

  constructor(private readonly params: HeartbeatParams) {}

  /** Beats every heartbeatInterval from now on (after `register`). */
  start(): void {
    this.timer = setInterval(() => void this.beat(), this.params.config.worker.heartbeatInterval);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /** The entry changed (a reloaded capacity): the next heartbeat registers it again. */
  markStale(): void {
    this.registrationStale = true;
  }

  private info(): WorkerInfo {
    const { config, clock } = this.params;
    const now = clock.now();
    return {
      workerId: this.params.workerId,
      workerName: config.worker.name ?? os.hostname(),
      address: config.worker.address ?? `${os.hostname()}:${config.app.port}`,
      status: 'ONLINE',
      capacity: config.worker.capacity,
      currentLoad: this.params.load(),
      supportedTypes: this.params.supportedTypes(),
      weight: config.worker.weight,
      lastHeartbeat: now,
    };
  }

  async register(): Promise<void> {
    const info = this.info();
    await this.params.registry.register(info, this.params.config.worker.heartbeatTimeout);
    await this.params.storage.upsertWorker(info);
  }

  /** Each heartbeat also audits the processing list: a lost take answer surfaces within one interval. */
  private async beat(): Promise<void> {
    await this.heartbeat();
    await this.params.afterBeat();
  }

  /** Refreshes the entry now; a failure is logged and the next heartbeat tries again. */
  async heartbeat(): Promise<void> {
    const { registry, storage, metrics, clock, config, workerId } = this.params;
    try {
      const now = clock.now();
      const load = this.params.load();
      const known = await registry.heartbeat(workerId, load, now, config.worker.heartbeatTimeout);
      if (!known || this.registrationStale) {
        this.registrationStale = false;
        await registry.register(this.info(), config.worker.heartbeatTimeout).catch((error: unknown) => {
          this.registrationStale = true;
          throw error;
        });
      }
      await storage.upsertWorker(this.info());
      metrics.recordWorkerLoad(workerId, this.params.load());
    } catch (error) {
      this.params.log.warn({ err: error }, 'heartbeat failed');
    }
  }
}
