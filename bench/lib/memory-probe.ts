/** Process memory figures for the in-flight scenario, in MB. */

const MB = 1024 * 1024;

export interface MemoryPoint {
  rssMb: number;
  heapUsedMb: number;
}

/**
 * Collects garbage first when the process runs with --expose-gc, so "before" and "after"
 * compare what is retained rather than what happens not to be collected yet.
 */
export function settledMemory(): MemoryPoint {
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  gc?.();
  const usage = process.memoryUsage();
  return { rssMb: usage.rss / MB, heapUsedMb: usage.heapUsed / MB };
}

/** The process's lifetime peak RSS as the kernel counts it (no sampling gaps). */
export function peakRssMb(): number {
  return (process.resourceUsage().maxRSS * 1024) / MB;
}

/** Samples RSS every `everyMs` until stopped; returns the highest sample. */
export function rssSampler(everyMs = 20): { stop: () => number } {
  let peak = process.memoryUsage.rss();
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage.rss());
  }, everyMs);
  return {
    stop() {
      clearInterval(timer);
      return Math.max(peak, process.memoryUsage.rss()) / MB;
    },
  };
}
