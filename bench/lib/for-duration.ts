import { nowMs } from './stats.ts';

export interface DurationRun {
  /** Calls that resolved. */
  done: number;
  /** Calls that threw. */
  errors: number;
  seconds: number;
}

/**
 * Keeps `concurrency` calls of `work` in flight until `seconds` have passed (calls already
 * started finish and count), the in-process counterpart of an autocannon run.
 */
export async function forDuration(
  seconds: number,
  concurrency: number,
  work: () => Promise<unknown>,
): Promise<DurationRun> {
  let done = 0;
  let errors = 0;
  const startedAt = nowMs();
  const end = startedAt + seconds * 1000;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (nowMs() < end) {
        try {
          await work();
          done++;
        } catch {
          errors++;
        }
      }
    }),
  );
  return { done, errors, seconds: (nowMs() - startedAt) / 1000 };
}
