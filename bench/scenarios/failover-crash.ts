import { spawnTs } from '../lib/child.ts';
import { leaderSignal } from '../lib/leader-signal.ts';
import { ourApp, stopApp } from '../lib/our-app.ts';
import type { TaskManager } from '../lib/our-core.ts';
import { benchPrefix } from '../lib/redis-keys.ts';
import type { Measurement, Scenario } from '../lib/result.ts';
import { nowMs, round, sleep, untilCount } from '../lib/stats.ts';

/**
 * A short lock TTL, as a deployment that wants fast crash failover would set: after a kill -9
 * nothing releases the lock, so it bounds the takeover (the target: TTL + 1 s).
 */
const LOCK_TTL_MS = Number(process.env.BENCH_FAILOVER_TTL_MS ?? 2_000);
const TARGET_MS = LOCK_TTL_MS + 1_000;
/** The child's start includes loading tsx and the app: seconds on a busy machine. */
const CHILD_START_MS = 30_000;
const FOLLOWER_SETTLE_MS = 200;
const LEADER_CHILD = new URL('../lib/leader-child.ts', import.meta.url);

/**
 * The leader is a scheduler-only app in a child process; this process runs a follower on
 * the same prefix. Once the follower has made its first (failed) attempt, the child gets
 * SIGKILL: ms from the kill to the follower's `leader_elected`.
 */
async function crashFailoverOnce(): Promise<{ ms: number; note?: string }> {
  const prefix = benchPrefix('ours');
  const child = spawnTs(LEADER_CHILD, [prefix, String(LOCK_TTL_MS)]);
  let follower: TaskManager | undefined;
  try {
    const leaderId = await child.line('leader ', CHILD_START_MS);
    follower = await ourApp({ queue: 'redis', prefix, roles: ['scheduler'], leaderLockTtl: LOCK_TTL_MS });
    const elected = leaderSignal(follower);
    if (follower.scheduler?.isLeader) throw new Error(`the follower took the lock while ${leaderId} held it`);
    // The follower's first tryAcquire runs during start; let it fail and park before the kill.
    await sleep(FOLLOWER_SETTLE_MS);
    const killedAt = nowMs();
    await child.kill();
    await untilCount(() => (elected.electedAt() > 0 ? 1 : 0), 1, LOCK_TTL_MS + 10_000);
    elected.off();
    if (elected.electedAt() === 0)
      return { ms: Number.NaN, note: `no leader within ${LOCK_TTL_MS + 10_000} ms of the kill` };
    const ms = elected.electedAt() - killedAt;
    return { ms, note: ms > TARGET_MS ? `over the ${TARGET_MS} ms target` : undefined };
  } finally {
    await child.kill();
    if (follower) await stopApp(follower, { prefix });
  }
}

export const failoverCrash: Scenario = {
  name: 'failover-crash',
  async run() {
    const { ms, note } = await crashFailoverOnce();
    const result: Measurement = {
      name: 'failover-crash',
      variant: `leader after kill -9 of the leader process (lock TTL ${LOCK_TTL_MS / 1000} s, target ≤ ${TARGET_MS / 1000} s)`,
      ours: round(ms, 1),
      bullmq: null,
      unit: 'ms',
      higherIsBetter: false,
      ...(note ? { note } : {}),
    };
    return [result];
  },
};
