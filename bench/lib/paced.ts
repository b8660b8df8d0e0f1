import { nowMs, percentile, round, sleep, untilCount } from './stats.ts';

export interface LatencySummary {
  p50: number;
  p95: number;
  p99: number;
  started: number;
  sent: number;
  /** Sends per second actually achieved (count ÷ time from the first to the last send). */
  achievedPerSecond: number;
  /**
   * The most any send ran behind its slot on the schedule (ms). A large lag means the process
   * could not keep the rate: latencies are then measured from a later call than planned, and
   * the figures look better than an open-loop client would see (coordinated omission).
   */
  maxLagMs: number;
}

/**
 * Sends `count` items at `perSecond` (fire and forget, paced against the start time so a slow
 * send does not lower the rate), then waits for every start. Each latency runs from the
 * moment `send(i)` is called, not from when its promise resolves: a create whose storage
 * commit is slow counts that commit. The caller calls `started(i)` from its processor.
 */
export function pacedLatency(perSecond: number, count: number) {
  const sentAt = new Array<number>(count);
  const latencies: number[] = [];
  return {
    started(i: number): void {
      const at = sentAt[i];
      if (at !== undefined) latencies.push(nowMs() - at);
    },
    async run(send: (i: number) => Promise<unknown>, waitMs = 10_000): Promise<LatencySummary> {
      const interval = 1000 / perSecond;
      const begin = nowMs();
      const inFlight: Promise<unknown>[] = [];
      let maxLag = 0;
      for (let i = 0; i < count; i++) {
        const slot = begin + i * interval;
        const wait = slot - nowMs();
        if (wait > 0) await sleep(wait);
        // setTimeout's ~1 ms granularity alone makes sends up to ~1 ms late at 2 000/s.
        const at = nowMs();
        maxLag = Math.max(maxLag, at - slot);
        sentAt[i] = at;
        inFlight.push(send(i));
      }
      const lastSent = nowMs();
      await Promise.all(inFlight);
      await untilCount(() => latencies.length, count, waitMs);
      return {
        p50: round(percentile(latencies, 50), 2),
        p95: round(percentile(latencies, 95), 2),
        p99: round(percentile(latencies, 99), 2),
        started: latencies.length,
        sent: count,
        achievedPerSecond: count > 1 ? round((count - 1) / ((lastSent - begin) / 1000)) : 0,
        maxLagMs: round(maxLag, 1),
      };
    },
  };
}
