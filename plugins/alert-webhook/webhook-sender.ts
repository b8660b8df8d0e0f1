import type { Logger, MetricsPort } from '../../core/index.ts';
import type { AlertPayload } from './alert.ts';

export interface WebhookSenderOptions {
  url: string;
  headers: Record<string, string>;
  timeoutMs: number;
  maxAttempts: number;
  retryDelayMs: number;
  maxRetryDelayMs: number;
  bufferSize: number;
}

export interface SenderStats {
  /** Alerts handed to the sender (before any drop). */
  accepted: number;
  sent: number;
  failed: number;
  dropped: number;
  queued: number;
}

/** Outcome of one POST: done (sent, or refused for good) or worth another try after `retryAfterMs`. */
type Attempt = { done: true; ok: boolean; status: string } | { done: false; status: string; retryAfterMs?: number };

/**
 * Delivers alerts to the webhook one at a time, in order, off the caller's path: `send` only
 * appends to a bounded buffer (the oldest alert is dropped when it is full) and returns.
 * A failed POST (network error, timeout, 5xx, 408, 429) is tried again with exponential
 * backoff; another 4xx is given up at once, since sending it again cannot help.
 */
export class WebhookSender {
  private readonly buffer: AlertPayload[] = [];
  private running: Promise<void> | undefined;
  private readonly stopping = new AbortController();
  readonly stats: SenderStats = { accepted: 0, sent: 0, failed: 0, dropped: 0, queued: 0 };

  constructor(
    private readonly options: WebhookSenderOptions,
    private readonly metrics: MetricsPort,
    private readonly logger: Logger,
  ) {}

  send(payload: AlertPayload): void {
    if (this.stopping.signal.aborted) return;
    this.stats.accepted++;
    if (this.buffer.length >= this.options.bufferSize) {
      const dropped = this.buffer.shift()!;
      this.stats.dropped++;
      this.metrics.recordAlertNotification('dropped');
      this.logger.warn(
        { title: dropped.title, bufferSize: this.options.bufferSize },
        'alert buffer full: dropped the oldest alert',
      );
    }
    this.buffer.push(payload);
    this.stats.queued = this.buffer.length;
    this.running ??= this.drain().finally(() => (this.running = undefined));
  }

  /** Gives what is queued up to `graceMs` to go out, then abandons the rest (counted as dropped). */
  async stop(graceMs: number): Promise<void> {
    const running = this.running;
    if (running) {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([running, new Promise((resolve) => (timer = setTimeout(resolve, graceMs)))]);
      clearTimeout(timer);
    }
    this.stopping.abort();
    await this.running;
    for (const payload of this.buffer.splice(0)) {
      this.stats.dropped++;
      this.metrics.recordAlertNotification('dropped');
      this.logger.warn({ title: payload.title }, 'alert not sent before stop');
    }
    this.stats.queued = 0;
  }

  private async drain(): Promise<void> {
    for (let payload = this.buffer.shift(); payload; payload = this.buffer.shift()) {
      this.stats.queued = this.buffer.length;
      const delivered = await this.deliver(payload);
      if (delivered === undefined) {
        // Stopped mid-retry: it goes back first in line for stop() to count.
        this.buffer.unshift(payload);
        return;
      }
      if (delivered) {
        this.stats.sent++;
        this.metrics.recordAlertNotification('sent');
      } else {
        this.stats.failed++;
        this.metrics.recordAlertNotification('failed');
      }
      if (this.stopping.signal.aborted) return;
    }
  }

  /** true when delivered, false when given up, undefined when stopped before an answer. */
  private async deliver(payload: AlertPayload): Promise<boolean | undefined> {
    const body = JSON.stringify(payload);
    const { maxAttempts, retryDelayMs, maxRetryDelayMs } = this.options;
    for (let attempt = 1; ; attempt++) {
      const result = await this.post(body);
      if (result.done) {
        if (!result.ok)
          this.logger.error(
            { title: payload.title, status: result.status },
            'alert webhook refused the alert; not retried',
          );
        return result.ok;
      }
      if (attempt >= maxAttempts) {
        this.logger.error(
          { title: payload.title, status: result.status, attempts: attempt },
          'alert webhook unreachable; alert given up',
        );
        return false;
      }
      const backoff = Math.min(maxRetryDelayMs, retryDelayMs * 2 ** (attempt - 1));
      const wait = Math.min(maxRetryDelayMs, Math.max(backoff, result.retryAfterMs ?? 0));
      this.logger.warn(
        { title: payload.title, status: result.status, attempt, retryInMs: wait },
        'alert webhook failed; retrying',
      );
      if (!(await this.pause(wait))) return undefined;
    }
  }

  private async post(body: string): Promise<Attempt> {
    const timeout = AbortSignal.timeout(this.options.timeoutMs);
    try {
      const response = await fetch(this.options.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'user-agent': 'async-task-manager-alerts',
          ...this.options.headers,
        },
        body,
        signal: AbortSignal.any([timeout, this.stopping.signal]),
      });
      await response.body?.cancel().catch(() => undefined);
      const status = String(response.status);
      if (response.ok) return { done: true, ok: true, status };
      if (response.status === 408 || response.status === 429 || response.status >= 500) {
        const retryAfter = Number(response.headers.get('retry-after'));
        return {
          done: false,
          status,
          ...(Number.isFinite(retryAfter) && retryAfter > 0 ? { retryAfterMs: retryAfter * 1000 } : {}),
        };
      }
      return { done: true, ok: false, status };
    } catch (error) {
      return { done: false, status: timeout.aborted ? 'timeout' : (error as Error).message };
    }
  }

  /** Waits `ms`; false when stop() cut it short. */
  private pause(ms: number): Promise<boolean> {
    const signal = this.stopping.signal;
    if (signal.aborted) return Promise.resolve(false);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        signal.removeEventListener('abort', onAbort);
        resolve(true);
      }, ms);
      const onAbort = () => {
        clearTimeout(timer);
        resolve(false);
      };
      signal.addEventListener('abort', onAbort, { once: true });
    });
  }
}
