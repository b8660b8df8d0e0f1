import { inject, injectable } from 'tsyringe';
import { isWorkerHealthy, type WorkerInfo } from '../domain/worker.ts';
import type { Clock } from '../ports/clock.ts';
import type { CoordinationPort } from '../ports/coordination.ts';
import type { QueueInspection, QueueLengths } from '../ports/queue.ts';
import type { StoragePort } from '../ports/storage.ts';
import type { TaskStatus } from '../domain/task-status.ts';
import type { CoreConfig } from '../config/config-schema.ts';
import { TOKENS } from '../config/tokens.ts';
import { LeaderState } from './scheduler/leader-state.ts';

export interface SchedulerStatus {
  /** Id of the scheduler holding the lock (it contains that node's TM_NODE_ID), or null. */
  leaderId: string | null;
  /** Whether this process's scheduler is the leader. */
  isLeader: boolean;
  /** This process's scheduler id, or null when it runs no scheduler. */
  schedulerId: string | null;
  leaderSince: Date | null;
  lockTtlMs: number;
}

export interface WorkerView extends WorkerInfo {
  healthy: boolean;
  /** Queued + running, as the queue sees it now (fresher than the heartbeat's load). */
  inFlight: number;
}

/** This process's part in the cluster, known without a round trip. */
export interface LocalNodeView {
  /** This process's scheduler id, or null when it runs no scheduler. */
  schedulerId: string | null;
  /** Whether this process's scheduler holds the leader lock right now. */
  isLeader: boolean;
  /** This process's worker id, or null when it runs no worker. */
  workerId: string | null;
}

export interface ReadinessReport {
  ready: boolean;
  checks: Record<string, 'ok' | string>;
}

/** Read-only views of the live cluster for the API: leader, workers, queues, task counts, readiness. */
@injectable()
export class ClusterService {
  private localWorkerId: string | null = null;

  constructor(
    @inject(TOKENS.Storage) private readonly storage: StoragePort,
    @inject(TOKENS.Queue) private readonly queue: QueueInspection,
    @inject(TOKENS.Coordination) private readonly coordination: CoordinationPort,
    @inject(TOKENS.Clock) private readonly clock: Clock,
    @inject(TOKENS.Config) private readonly config: CoreConfig,
    @inject(LeaderState) private readonly leader: LeaderState,
  ) {}

  /** Cheap and synchronous: for plugins that act only on the leader (alerts, sampled metrics). */
  localNode(): LocalNodeView {
    return { schedulerId: this.leader.schedulerId, isLeader: this.leader.isLeader, workerId: this.localWorkerId };
  }

  /** Told by the app which worker runs in this process. */
  identifyLocalWorker(workerId: string): void {
    this.localWorkerId = workerId;
  }

  async schedulerStatus(): Promise<SchedulerStatus> {
    const leaderId = await this.coordination.leader.currentLeader();
    return {
      leaderId,
      isLeader: this.leader.isLeader,
      schedulerId: this.leader.schedulerId,
      leaderSince: this.leader.since,
      lockTtlMs: this.config.scheduler.leaderLockTtl,
    };
  }

  async workers(): Promise<WorkerView[]> {
    const workers = await this.coordination.workers.listWorkers();
    const loads = await this.queue.workerLoads(workers.map((w) => w.workerId));
    const now = this.clock.now();
    return workers
      .map((w) => ({
        ...w,
        healthy: isWorkerHealthy(w, now, this.config.worker.heartbeatTimeout),
        inFlight: loads.get(w.workerId) ?? 0,
      }))
      .sort((a, b) => a.workerId.localeCompare(b.workerId));
  }

  queues(): Promise<QueueLengths> {
    return this.queue.lengths();
  }

  /** Stored tasks per status, every status present (0 when none). */
  taskCounts(): Promise<Record<TaskStatus, number>> {
    return this.storage.countByStatus();
  }

  async readiness(): Promise<ReadinessReport> {
    const checks: Record<string, 'ok' | string> = {};
    const probe = async (name: string, run: () => Promise<void>) => {
      try {
        await run();
        checks[name] = 'ok';
      } catch (error) {
        checks[name] = error instanceof Error ? error.message : String(error);
      }
    };
    await Promise.all([
      probe('storage', () => this.storage.ping()),
      probe('queue', () => this.queue.ping()),
      probe('coordination', () => this.coordination.ping()),
    ]);
    return { ready: Object.values(checks).every((c) => c === 'ok'), checks };
  }
}
