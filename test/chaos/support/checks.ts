import { expect } from 'vitest';
import { waitFor } from '../../helpers/wait.ts';
import type { Audit } from './audit.ts';
import type { ChaosCluster, ChaosNode } from './chaos-cluster.ts';

/** A task unchanged this long, due and not finished, is stuck (the longest task runs 3 s). */
const STUCK_AFTER_MS = 12_000;

/** What the chaos suite waits for and asserts after each fault, read from MySQL and Redis. */
export class ChaosChecks {
  constructor(
    private readonly audit: Audit,
    private readonly cluster: ChaosCluster,
  ) {}

  /** The invariants that hold after every fault, once the cluster had time to recover. */
  async assertHealthy(since: number): Promise<void> {
    expect(await this.audit.doubleSuccesses(), 'tasks run to SUCCESS twice').toEqual([]);
    await waitFor(async () => (await this.audit.stuck(STUCK_AFTER_MS)).length === 0, {
      timeoutMs: 10_000,
      intervalMs: 500,
      message: 'no stuck task',
    }).catch(async (error: Error) => {
      throw new Error(
        `${error.message}: ${JSON.stringify(await this.audit.stuck(STUCK_AFTER_MS))}\n${this.cluster.tails()}`,
      );
    });
    await this.assertEveryWorkerConsumes(since);
  }

  /** Every live worker process finished an attempt after `mark`: none is left stalled. */
  async assertEveryWorkerConsumes(mark: number, timeoutMs = 15_000): Promise<number> {
    const started = Date.now();
    await waitFor(
      async () => {
        const finishing = await this.audit.workersFinishingSince(mark);
        return this.cluster.liveWorkerNodes.every((n) => n.workerId && finishing.has(n.workerId));
      },
      { timeoutMs, intervalMs: 100, message: 'every worker finishing tasks again' },
    ).catch(async (error: Error) => {
      const finishing = await this.audit.workersFinishingSince(mark);
      const idle = this.cluster.liveWorkerNodes
        .filter((n) => !n.workerId || !finishing.has(n.workerId))
        .map((n) => `${n.id} (${n.workerId})`);
      throw new Error(`${error.message}: stalled ${idle.join(', ')}\n${this.cluster.tails()}`);
    });
    return Date.now() - started;
  }

  /** A worker node (not the leader) that is running tasks. */
  async busyFollower(): Promise<ChaosNode> {
    const leader = await this.cluster.leader();
    return waitFor(
      async () => {
        const processing = await this.audit.processingByWorker();
        return this.cluster.liveWorkerNodes.find(
          (n) => n !== leader && n.workerId && (processing.get(n.workerId)?.length ?? 0) > 0,
        );
      },
      { timeoutMs: 10_000, intervalMs: 100, message: 'a follower running tasks' },
    );
  }

  /** Waits until none of `taskIds` is PROCESSING on `workerId` any more; ms it took from `since`. */
  async waitRecovered(workerId: string, since: number, timeoutMs: number): Promise<number> {
    await waitFor(async () => (await this.audit.processingOn(workerId)).length === 0, {
      timeoutMs,
      intervalMs: 50,
      message: `tasks of ${workerId} recovered`,
    });
    return Date.now() - since;
  }

  async newLeader(other: string | null, since: number, timeoutMs: number): Promise<number> {
    await waitFor(
      async () => {
        const id = await this.cluster.leaderId();
        return id !== null && id !== other;
      },
      { timeoutMs, intervalMs: 25, message: 'a new leader' },
    );
    return Date.now() - since;
  }
}
