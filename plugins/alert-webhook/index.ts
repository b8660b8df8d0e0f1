import { definePlugin, noopMetrics, TOKENS, type Plugin, type PluginContext } from '../../core/index.ts';
import { taskFailedAlert, workerOfflineAlert, type Alert } from './alert.ts';
import { Cooldown } from './cooldown.ts';
import { alertOptionsSchema, type AlertSettings, type AlertWebhookOptions } from './options.ts';
import { OutcomeWindow } from './outcome-window.ts';
import { ThresholdMonitor } from './threshold-monitor.ts';
import { WebhookSender, type SenderStats } from './webhook-sender.ts';

export type { AlertPayload, AlertLevel } from './alert.ts';
export type { AlertWebhookOptions } from './options.ts';

/** How long stop() lets queued alerts go out. */
const STOP_GRACE_MS = 3_000;

export interface AlertStats extends SenderStats {
  /** Alerts held back by the cool-down of their key. */
  suppressed: number;
}

export interface AlertWebhookPlugin extends Plugin {
  /** Whether a webhook URL is configured (read at setup). */
  enabled(): boolean;
  stats(): AlertStats;
}

/**
 * Alerts to a webhook: a task that failed for good, a worker found
 * dead, and the thresholds of threshold-monitor.ts. Event alerts are sent by the process where
 * the event happened (events from other processes are ignored), threshold alerts by the
 * leader, so a cluster sends each alert once. Off while `alert.webhookUrl` is unset.
 */
export function alertWebhook(options: AlertWebhookOptions = {}): AlertWebhookPlugin {
  let settings: AlertSettings | undefined;
  let sender: WebhookSender | undefined;
  let timer: NodeJS.Timeout | undefined;
  let checking: Promise<void> | undefined;
  let suppressed = 0;
  const offs: (() => void)[] = [];

  const start = (ctx: PluginContext, s: AlertSettings & { webhookUrl: string }) => {
    const metrics = ctx.tryResolve(TOKENS.Metrics) ?? noopMetrics;
    const logger = ctx.logger;
    const activeSender = new WebhookSender(
      {
        url: s.webhookUrl,
        headers: s.headers,
        timeoutMs: s.timeout,
        maxAttempts: s.maxAttempts,
        retryDelayMs: s.retryDelay,
        maxRetryDelayMs: s.maxRetryDelay,
        bufferSize: s.bufferSize,
      },
      metrics,
      logger,
    );
    sender = activeSender;
    const cooldown = new Cooldown(s.cooldown);
    const raise = (alert: Alert) => {
      if (!cooldown.admit(alert.key, ctx.clock.now().getTime())) {
        suppressed++;
        metrics.recordAlertNotification('suppressed');
        return;
      }
      activeSender.send(alert.payload);
    };

    // Listeners only queue: nothing here waits on the webhook.
    if (s.taskFailed) {
      offs.push(
        ctx.events.on(
          'task_failed',
          (e) => {
            if (e.final) raise(taskFailedAlert(e));
          },
          { localOnly: true },
        ),
      );
    }
    if (s.workerOffline) {
      offs.push(ctx.events.on('worker_offline', (e) => raise(workerOfflineAlert(e)), { localOnly: true }));
    }

    // Every process counts every outcome it hears of (its own and, over the bridge, the
    // others'), so whichever becomes leader can judge the failure rate at once.
    const outcomes = new OutcomeWindow(s.failureRateWindow);
    offs.push(ctx.events.on('task_completed', (e) => outcomes.record(true, e.timestamp.getTime())));
    offs.push(ctx.events.on('task_failed', (e) => outcomes.record(false, e.timestamp.getTime())));

    const queue = ctx.resolve(TOKENS.Queue);
    const coordination = ctx.resolve(TOKENS.Coordination);
    const monitor = new ThresholdMonitor(
      s,
      {
        isLeader: () => ctx.services.cluster.localNode().isLeader,
        localWorkerId: () => ctx.services.cluster.localNode().workerId,
        roles: ctx.roles,
        queueLengths: () => queue.lengths(),
        currentLeader: () => coordination.leader.currentLeader(),
        listWorkers: () => coordination.workers.listWorkers(),
        heartbeatTimeoutMs: ctx.config.worker.heartbeatTimeout,
        outcomes,
        clock: ctx.clock,
        logger,
      },
      raise,
    );
    timer = setInterval(() => {
      if (checking) return; // a slow dependency: skip a beat rather than pile up checks
      checking = monitor
        .check()
        .catch((error: unknown) => logger.warn({ err: error }, 'evaluating alert thresholds failed'))
        .finally(() => (checking = undefined));
    }, s.checkInterval);
    timer.unref();
    logger.info({ webhook: new URL(s.webhookUrl).host }, 'alerts go to the webhook');
  };

  return definePlugin({
    name: 'alert-webhook',
    enabled: () => settings?.webhookUrl !== undefined,
    stats: () => ({ ...(sender?.stats ?? { accepted: 0, sent: 0, failed: 0, dropped: 0, queued: 0 }), suppressed }),
    setup(ctx) {
      settings = ctx.section('alert', alertOptionsSchema, options);
    },
    start(ctx) {
      if (!settings?.webhookUrl) {
        ctx.logger.debug('alert.webhookUrl is not set: alerting is off');
        return;
      }
      start(ctx, { ...settings, webhookUrl: settings.webhookUrl });
    },
    async stop() {
      clearInterval(timer);
      timer = undefined;
      for (const off of offs.splice(0)) off();
      await checking;
      await sender?.stop(STOP_GRACE_MS);
    },
  });
}
