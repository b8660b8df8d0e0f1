import {
  isWorkerHealthy,
  type Clock,
  type Logger,
  type QueueLengths,
  type Role,
  type WorkerInfo,
} from '../../core/index.ts';
import { makeAlert, type Alert } from './alert.ts';
import type { AlertSettings } from './options.ts';
import type { OutcomeWindow } from './outcome-window.ts';

export interface ThresholdSources {
  /** Whether this process's scheduler is the leader right now. */
  isLeader(): boolean;
  localWorkerId(): string | null;
  roles: readonly Role[];
  queueLengths(): Promise<QueueLengths>;
  currentLeader(): Promise<string | null>;
  listWorkers(): Promise<WorkerInfo[]>;
  heartbeatTimeoutMs: number;
  outcomes: OutcomeWindow;
  clock: Clock;
  logger: Logger;
}

/** A condition that must hold for a while before it fires, and says when it is over. */
class Condition {
  private since: number | null = null;
  firing = false;

  /** Returns 'fire' or 'resolve' on a change worth telling, else undefined. */
  update(holds: boolean, nowMs: number, forMs: number): 'fire' | 'resolve' | undefined {
    if (!holds) {
      this.since = null;
      if (!this.firing) return undefined;
      this.firing = false;
      return 'resolve';
    }
    this.since ??= nowMs;
    if (this.firing || nowMs - this.since < forMs) return undefined;
    this.firing = true;
    return 'fire';
  }

  /** Forget (this process stopped being the one that evaluates it). */
  reset(): void {
    this.since = null;
    this.firing = false;
  }
}

/**
 * The threshold alerts. Queue backlog and failure rate are cluster-wide facts, evaluated by
 * the leader only, so a cluster raises each once. "No leader" cannot be left to the leader:
 * every process watches the lock, and the one running the healthy worker with the smallest
 * id reports it (a process without a worker reports only when no worker is healthy and it
 * serves the API). See docs/operations.md.
 */
export class ThresholdMonitor {
  private readonly backlog = new Condition();
  private readonly failureRate = new Condition();
  private readonly noLeader = new Condition();

  constructor(
    private readonly settings: AlertSettings,
    private readonly sources: ThresholdSources,
    private readonly raise: (alert: Alert) => void,
  ) {}

  async check(): Promise<void> {
    const now = this.sources.clock.now();
    if (this.sources.isLeader()) {
      await this.checkBacklog(now);
      this.checkFailureRate(now);
    } else {
      this.backlog.reset();
      this.failureRate.reset();
    }
    await this.checkLeader(now);
  }

  private async checkBacklog(now: Date): Promise<void> {
    const threshold = this.settings.backlogThreshold;
    if (threshold <= 0) return;
    const lengths = await this.sources.queueLengths();
    // Claimed ids are popped by the leader but not yet with a worker: still waiting.
    const waiting = lengths.high + lengths.normal + lengths.claimed;
    const change = this.backlog.update(waiting > threshold, now.getTime(), this.settings.backlogFor);
    const forSeconds = Math.round(this.settings.backlogFor / 1000);
    const details = {
      waiting,
      high: lengths.high,
      normal: lengths.normal,
      claimed: lengths.claimed,
      threshold,
      for_seconds: forSeconds,
    };
    if (change === 'fire') {
      const message = `${waiting} tasks waiting for a worker (high ${lengths.high}, normal ${lengths.normal}, claimed ${lengths.claimed}), above ${threshold} for ${forSeconds}s`;
      this.raise(makeAlert('queue_backlog', { level: 'WARNING', title: 'Queue Backlog', message, details }, now));
    } else if (change === 'resolve') {
      this.raise(
        makeAlert(
          'queue_backlog:resolved',
          {
            level: 'INFO',
            title: 'Queue Backlog Resolved',
            message: `${waiting} tasks waiting, at or below ${threshold}`,
            details,
          },
          now,
        ),
      );
    }
  }

  private checkFailureRate(now: Date): void {
    const threshold = this.settings.failureRateThreshold;
    if (threshold <= 0) return;
    const { succeeded, failed } = this.sources.outcomes.totals(now.getTime());
    const finished = succeeded + failed;
    const percent = finished === 0 ? 0 : (failed / finished) * 100;
    const holds = finished >= this.settings.failureRateMinTasks && percent > threshold;
    const change = this.failureRate.update(holds, now.getTime(), 0);
    const windowSeconds = Math.round(this.settings.failureRateWindow / 1000);
    const rounded = Math.round(percent * 10) / 10;
    const details = {
      failure_rate_percent: rounded,
      failed,
      finished,
      threshold_percent: threshold,
      window_seconds: windowSeconds,
    };
    if (change === 'fire') {
      this.raise(
        makeAlert(
          'failure_rate',
          {
            level: 'ERROR',
            title: 'High Failure Rate',
            message: `${rounded}% of task attempts failed over the last ${windowSeconds}s (${failed} of ${finished})`,
            details,
          },
          now,
        ),
      );
    } else if (change === 'resolve') {
      this.raise(
        makeAlert(
          'failure_rate:resolved',
          {
            level: 'INFO',
            title: 'Failure Rate Resolved',
            message: `${rounded}% of task attempts failed over the last ${windowSeconds}s`,
            details,
          },
          now,
        ),
      );
    }
  }

  private async checkLeader(now: Date): Promise<void> {
    if (this.settings.noLeaderFor <= 0) return;
    let leader: string | null;
    try {
      leader = await this.sources.currentLeader();
    } catch (error) {
      // Coordination unreachable: nobody can tell, and nobody could agree who reports it.
      this.sources.logger.debug({ err: error }, 'leader lock unreadable; no-leader check skipped');
      return;
    }
    const change = this.noLeader.update(leader === null, now.getTime(), this.settings.noLeaderFor);
    if (change === undefined || !(await this.isReporter(now))) return;
    const forSeconds = Math.round(this.settings.noLeaderFor / 1000);
    if (change === 'fire') {
      this.raise(
        makeAlert(
          'no_leader',
          {
            level: 'ERROR',
            title: 'No Leader',
            message: `No scheduler has held the leader lock for ${forSeconds}s: nothing is being dispatched`,
            details: { for_seconds: forSeconds },
          },
          now,
        ),
      );
    } else {
      this.raise(
        makeAlert(
          'no_leader:resolved',
          { level: 'INFO', title: 'Leader Elected', message: `Scheduler ${leader} is leader again` },
          now,
        ),
      );
    }
  }

  /** The one process of the cluster that reports leader trouble. */
  private async isReporter(now: Date): Promise<boolean> {
    const healthy = (await this.sources.listWorkers().catch(() => []))
      .filter((w) => isWorkerHealthy(w, now, this.sources.heartbeatTimeoutMs))
      .map((w) => w.workerId)
      .sort();
    if (healthy.length > 0) return healthy[0] === this.sources.localWorkerId();
    return this.sources.roles.includes('api');
  }
}
