/** Small numeric helpers shared by the scenarios. */

export function median(values: readonly number[]): number {
  return percentile(values, 50);
}

/** Nearest-rank percentile (p in 0..100) of unsorted values; NaN when empty. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank] as number;
}

export function round(value: number, digits = 0): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

export function nowMs(): number {
  return performance.now();
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Runs `work(i)` for i in [0, count) with at most `concurrency` in flight. */
export async function inFlight(
  count: number,
  concurrency: number,
  work: (i: number) => Promise<unknown>,
): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, count) }, async () => {
      while (next < count) await work(next++);
    }),
  );
}

/** Resolves when `count()` reaches `target` or the deadline passes; polls an in-memory counter only. */
export async function untilCount(count: () => number, target: number, deadlineMs: number): Promise<boolean> {
  const end = nowMs() + deadlineMs;
  while (count() < target) {
    if (nowMs() > end) return false;
    await sleep(2);
  }
  return true;
}

export const quick = process.env.BENCH_QUICK === '1';
