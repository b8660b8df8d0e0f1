import { z } from 'zod';
import { boolean, duration, integer } from '../../core/index.ts';

/** An unset or empty URL turns the plugin off (the embedded default ships it that way). */
const optionalUrl = z.preprocess(
  (value) => (typeof value === 'string' && value.trim() === '' ? undefined : value),
  z.url({ protocol: /^https?$/, error: 'expected an http(s) URL' }).optional(),
);

/** The `alert` section (docs/configuration.md). Thresholds set to 0 are off. */
export const alertOptionsSchema = z.object({
  webhookUrl: optionalUrl,
  /** Extra request headers, e.g. an Authorization for the receiver. */
  headers: z.record(z.string(), z.string()).default({}),
  /** One POST may take this long. */
  timeout: duration().default(5_000),
  /** Tries per alert before it is given up (counted as failed). */
  maxAttempts: integer(1, 20).default(5),
  /** Wait before the second try; doubles each time up to maxRetryDelay. */
  retryDelay: duration().default(1_000),
  maxRetryDelay: duration().default(30_000),
  /** Alerts waiting to be sent; when full the oldest is dropped (and counted). */
  bufferSize: integer(1, 100_000).default(1_000),
  /** The same alert key is sent at most once per this period. */
  cooldown: duration().default(300_000),
  /** Alert on tasks that failed for good (FAILED or TIMEOUT with no retry left). */
  taskFailed: boolean().default(true),
  /** Alert when the leader finds a worker dead. */
  workerOffline: boolean().default(true),
  /** How often the thresholds below are evaluated. */
  checkInterval: duration().default(15_000),
  /** Tasks waiting for a worker (high + normal + claimed) above this for backlogFor raise "Queue Backlog"; 0 = off. */
  backlogThreshold: integer(0, 1_000_000_000).default(1_000),
  backlogFor: duration().default(300_000),
  /** Failed attempts above this percentage of finished attempts over failureRateWindow; 0 = off. */
  failureRateThreshold: z.coerce.number().min(0).max(100).default(50),
  failureRateWindow: duration().default(300_000),
  /** Fewer finished attempts than this in the window is too little to judge a rate. */
  failureRateMinTasks: integer(1, 1_000_000).default(20),
  /** No scheduler holding the leader lock for this long raises "No Leader"; 0 = off. */
  noLeaderFor: duration().default(60_000),
});

export type AlertWebhookOptions = z.input<typeof alertOptionsSchema>;
export type AlertSettings = z.output<typeof alertOptionsSchema>;
