import type { JsonObject } from './json.ts';

export const RetryStrategy = { FIXED: 'FIXED', EXPONENTIAL: 'EXPONENTIAL' } as const;
export type RetryStrategy = (typeof RetryStrategy)[keyof typeof RetryStrategy];

/** One row of task_config (docs/design.md#task-types). Durations in seconds, as stored. */
export interface TaskTypeConfig {
  readonly taskType: string;
  readonly taskName: string;
  readonly description: string | null;
  readonly executorType: string;
  readonly executorConfig: JsonObject;
  readonly defaultTimeout: number;
  readonly defaultMaxRetry: number;
  readonly retryStrategy: RetryStrategy;
  /** Seconds. */
  readonly retryDelay: number;
  readonly backoffRate: number;
  /** Jitter as a fraction of the delay (0 = none, 0.2 = ±20 %). Not a stored column: config only. */
  readonly retryJitter?: number;
  /** Tasks of this type PROCESSING at once across the cluster; 0 means no cap. */
  readonly maxConcurrent: number;
  readonly enabled: boolean;
  /**
   * Paused by an operator (POST /api/v1/task-types/:type/pause): its tasks are accepted and wait
   * PENDING. Kept apart from the definition (ports/task-type-controls.ts), so a config sync
   * does not undo it.
   */
  readonly paused?: boolean;
  /** At most `max` dispatches per `perMs` across the cluster; null or absent: no limit. */
  readonly rateLimit?: RateLimit | null;
}

/** A dispatch rate limit: at most `max` tasks dispatched per window of `perMs`. */
export interface RateLimit {
  readonly max: number;
  readonly perMs: number;
}

export const TASK_TYPE_DEFAULTS = {
  description: null,
  executorConfig: {},
  defaultTimeout: 300,
  defaultMaxRetry: 3,
  retryStrategy: 'FIXED',
  retryDelay: 10,
  backoffRate: 2,
  maxConcurrent: 10,
  enabled: true,
} as const satisfies Partial<TaskTypeConfig>;

/**
 * Delay before retry number `retryCount` (the count after the increment): docs/design.md#retry-policy.
 * FIXED: retry_delay. EXPONENTIAL: retry_delay × backoff_rate^retry_count.
 * `random` is injected so tests are deterministic.
 */
export function computeRetryDelayMs(
  config: Pick<TaskTypeConfig, 'retryStrategy' | 'retryDelay' | 'backoffRate' | 'retryJitter'>,
  retryCount: number,
  random: () => number = Math.random,
): number {
  const base =
    config.retryStrategy === 'EXPONENTIAL' ? config.retryDelay * config.backoffRate ** retryCount : config.retryDelay;
  const jitter = config.retryJitter ?? 0;
  const factor = jitter > 0 ? 1 + jitter * (2 * random() - 1) : 1;
  return Math.max(0, Math.round(base * factor * 1000));
}

/** Upper-cases the enum columns (seed data wrote 'fixed'; C14) and fills defaults. */
export function normalizeRetryStrategy(value: string): RetryStrategy {
  const upper = value.toUpperCase();
  if (upper !== 'FIXED' && upper !== 'EXPONENTIAL') {
    throw new Error(`retry strategy must be FIXED or EXPONENTIAL, got "${value}"`);
  }
  return upper;
}
