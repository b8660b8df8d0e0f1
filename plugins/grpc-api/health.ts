import { HealthImplementation, type ServingStatus } from 'grpc-health-check';
import type { Logger, ReadinessReport } from '../../core/index.ts';
import { TASK_SERVICE_NAME } from './proto.ts';

/** How often readiness (storage, queue, coordination reachable) is re-checked for grpc.health.v1. */
export const HEALTH_CHECK_INTERVAL_MS = 5_000;

/**
 * grpc.health.v1 for the whole server ("") and for taskservice.TaskService: SERVING while the
 * process is ready in the sense of /readyz, NOT_SERVING when a dependency is down or the
 * server is stopping, so a load balancer drains it.
 */
export class HealthReporter {
  readonly implementation = new HealthImplementation({ '': 'NOT_SERVING', [TASK_SERVICE_NAME]: 'NOT_SERVING' });
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  private current: ServingStatus = 'NOT_SERVING';

  constructor(
    private readonly readiness: () => Promise<ReadinessReport>,
    private readonly logger: Logger,
    private readonly intervalMs = HEALTH_CHECK_INTERVAL_MS,
  ) {}

  async start(): Promise<void> {
    await this.check();
    this.timer = setInterval(() => void this.check(), this.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    this.stopped = true;
    clearInterval(this.timer);
    this.set('NOT_SERVING');
  }

  private async check(): Promise<void> {
    let ready = false;
    try {
      ready = (await this.readiness()).ready;
    } catch (error) {
      this.logger.warn({ err: error }, 'readiness check failed');
    }
    if (!this.stopped) this.set(ready ? 'SERVING' : 'NOT_SERVING');
  }

  private set(status: ServingStatus): void {
    // Watch streams are told of every setStatus; tell them only of changes.
    if (status === this.current) return;
    this.current = status;
    this.implementation.setStatus('', status);
    this.implementation.setStatus(TASK_SERVICE_NAME, status);
  }
}
