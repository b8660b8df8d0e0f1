import { nowMs, percentile, round, sleep, untilCount } from './stats.ts';

export interface LatencySummary {
  p50: number;
  p95: number;
  p99: number;
  started: number;
  sent: number;
}

/**
 * Sends `count` items at `perSecond` (fire and forget, paced against the start time so a slow
 * send does not lower the rate), then waits for every start. `send(i)` records nothing;
 * the caller calls `started(i)` from its processor.
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
      for (let i = 0; i < count; i++) {
        const wait = begin + i * interval - nowMs();
        if (wait > 0) await sleep(wait);
        sentAt[i] = nowMs();
        inFlight.push(send(i));
      }
      await Promise.all(inFlight);
      await untilCount(() => latencies.length, count, waitMs);
      return {
        p50: round(percentile(latencies, 50), 2),
        p95: round(percentile(latencies, 95), 2),
        p99: round(percentile(latencies, 99), 2),
        started: latencies.length,
        sent: count,
      };
    },
  };
}
