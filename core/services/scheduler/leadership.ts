import type { LeaderElection } from '../../ports/coordination.ts';
import type { Logger } from '../../ports/logger.ts';
import { delay } from '../delay.ts';

export interface LeadershipOptions {
  candidateId: string;
  ttlMs: number;
  renewIntervalMs: number;
  /** Followers try again this often even without a vacancy notice (a crashed leader sends none). */
  followerRetryMs: number;
}

export interface LeadershipCallbacks {
  /** Called with a signal that aborts the moment leadership is lost or given up. */
  onElected(term: AbortSignal): void;
  onLost(reason: string): void;
}

/**
 * Campaigns for the leader lock and keeps it. A leader that cannot renew steps down before
 * its lock can expire: the term's signal aborts at last-successful-renew + TTL − margin,
 * whatever the network does, so two schedulers never schedule at once.
 */
export class Leadership {
  private term: AbortController | undefined;
  private readonly stopped = new AbortController();
  private loop: Promise<void> | undefined;
  private stepDownTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly election: LeaderElection,
    private readonly options: LeadershipOptions,
    private readonly callbacks: LeadershipCallbacks,
    private readonly logger: Logger,
  ) {}

  get isLeader(): boolean {
    return this.term !== undefined && !this.term.signal.aborted;
  }

  start(): void {
    this.loop ??= this.campaign();
  }

  async stop(): Promise<void> {
    this.stopped.abort();
    const wasLeader = this.isLeader;
    this.loseTerm('stopping');
    await this.loop;
    if (wasLeader) await this.election.release(this.options.candidateId).catch(() => {});
  }

  private async campaign(): Promise<void> {
    const stop = this.stopped.signal;
    while (!stop.aborted) {
      try {
        if (!this.isLeader) {
          if (await this.election.tryAcquire(this.options.candidateId, this.options.ttlMs)) this.beginTerm();
          else await this.election.waitForVacancy(this.options.followerRetryMs, stop);
          continue;
        }
        await delay(this.options.renewIntervalMs, stop);
        if (stop.aborted) break;
        if (await this.election.renew(this.options.candidateId, this.options.ttlMs)) this.armStepDown();
        else this.loseTerm('lock lost to another scheduler');
      } catch (error) {
        this.logger.warn({ err: error }, 'leader election call failed');
        await delay(Math.min(this.options.renewIntervalMs, 1_000), stop);
      }
    }
  }

  private beginTerm(): void {
    this.term = new AbortController();
    this.armStepDown();
    this.callbacks.onElected(this.term.signal);
  }

  /** The lock may expire at now + TTL; stop scheduling a safety margin before that. */
  private armStepDown(): void {
    clearTimeout(this.stepDownTimer);
    const margin = Math.min(1_000, this.options.ttlMs / 4);
    this.stepDownTimer = setTimeout(
      () => this.loseTerm('could not renew the lock in time'),
      this.options.ttlMs - margin,
    );
    this.stepDownTimer.unref();
  }

  private loseTerm(reason: string): void {
    clearTimeout(this.stepDownTimer);
    if (!this.term || this.term.signal.aborted) return;
    this.term.abort();
    this.term = undefined;
    this.callbacks.onLost(reason);
  }
}
