import type { TaskManager } from '../lib/our-core.ts';
import { leaderSignal } from '../lib/leader-signal.ts';
import { ourApp, stopApp } from '../lib/our-app.ts';
import { benchPrefix } from '../lib/redis-keys.ts';
import type { Measurement, Scenario } from '../lib/result.ts';
import { nowMs, round, sleep, untilCount } from '../lib/stats.ts';

/** The default lock TTL: it bounds failover after a crash, not after a graceful stop (the lock is released). */
const LOCK_TTL_MS = 10_000;
const WAIT_MS = 15_000;
const FOLLOWER_SETTLE_MS = 200;

/** Two scheduler-only apps on one Redis prefix: stop the leader gracefully, time until the other leads. */
async function failoverOnce(): Promise<number> {
  const prefix = benchPrefix('ours');
  const options = { queue: 'redis' as const, prefix, roles: ['scheduler' as const], leaderLockTtl: LOCK_TTL_MS };
  const first = await ourApp(options);
  const firstElected = leaderSignal(first);
  let second: TaskManager | undefined;
  try {
    await untilCount(() => (first.scheduler?.isLeader ? 1 : 0), 1, WAIT_MS);
    second = await ourApp(options);
    const secondElected = leaderSignal(second);
    // Let the follower make its first (failed) attempt and park on the vacancy channel: a
    // release published before it parks is missed and costs followerRetryMs (1 s) instead.
    await sleep(FOLLOWER_SETTLE_MS);
    const stoppedAt = nowMs();
    await first.stop();
    await untilCount(() => (secondElected.electedAt() > 0 ? 1 : 0), 1, WAIT_MS);
    secondElected.off();
    return secondElected.electedAt() > 0 ? secondElected.electedAt() - stoppedAt : Number.NaN;
  } finally {
    firstElected.off();
    await first.stop();
    if (second) await stopApp(second, { prefix });
  }
}

export const failover: Scenario = {
  name: 'failover',
  async run() {
    const ms = await failoverOnce();
    const result: Measurement = {
      name: 'failover',
      variant: `leader after graceful stop of the other (lock TTL ${LOCK_TTL_MS / 1000} s)`,
      ours: round(ms, 1),
      bullmq: null,
      unit: 'ms',
      higherIsBetter: false,
    };
    return [result];
  },
};
