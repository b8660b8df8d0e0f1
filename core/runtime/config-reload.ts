import type { EventBus, TaskManagerEvents } from '../ports/event-bus.ts';
import type { Logger } from '../ports/logger.ts';
import type { LoadBalancerRegistry } from '../services/load-balancer-registry.ts';
import type { TaskTypeCatalog } from '../services/task-type-catalog.ts';
import type { Worker } from '../services/worker/worker.ts';
import { diffConfig, type SectionRead } from './config-diff.ts';
import type { ResolvedConfig, TaskManagerConfigInput } from './app-config.ts';
import { REQUIRED_PORTS } from './plugin-validation.ts';
import { setupPlugins, type SetupOptions } from './plugin-setup.ts';

export type ConfigReloadReport = Omit<TaskManagerEvents['config_reloaded'], 'source'>;

export interface ConfigReloaderParts {
  /** The running config: live keys are changed in place, so every service reads the new value. */
  config: ResolvedConfig;
  sectionsRead: ReadonlyMap<string, SectionRead>;
  setupOptions: SetupOptions;
  logger: Logger;
  events: EventBus;
  catalog: TaskTypeCatalog;
  balancers: LoadBalancerRegistry;
  worker: Worker | undefined;
}

/** A logger whose level can be changed (pino's can; its children follow). */
interface LevelSettable {
  level: string;
}

function canSetLevel(logger: Logger): logger is Logger & LevelSettable {
  return typeof (logger as Partial<LevelSettable>).level === 'string';
}

/**
 * Applies a new config to a running app (hot reload: docs/operations.md#hot-reload-of-the-config). The new config is
 * validated completely first (schema, environment overrides, every plugin's setup on fresh
 * plugin instances, the load balancer name); only then are the live keys applied. Keys that
 * need a restart are reported, never half-applied; an invalid config changes nothing.
 */
export class ConfigReloader {
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly parts: ConfigReloaderParts) {}

  /** Reloads run one at a time, in the order they were asked for. */
  reload(input: TaskManagerConfigInput, source: string): Promise<ConfigReloadReport> {
    const run = this.queue.then(() => this.reloadNow(input, source));
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** Reports a config file that could not even be read (syntax error, unknown plugin). */
  reject(error: unknown, source: string): ConfigReloadReport {
    return this.finish({ result: 'rejected', applied: [], needsRestart: [], error: messageOf(error) }, source);
  }

  private async reloadNow(input: TaskManagerConfigInput, source: string): Promise<ConfigReloadReport> {
    const { config, logger } = this.parts;
    let next: ResolvedConfig;
    let nextSections: ReadonlyMap<string, SectionRead>;
    try {
      const setup = await setupPlugins(
        input,
        { ...this.parts.setupOptions, logger: warningsOnly(logger.child({ reload: source })) },
        REQUIRED_PORTS,
      );
      next = setup.config;
      nextSections = setup.sectionsRead;
      if (this.parts.balancers.names().length > 0) this.parts.balancers.require(next.scheduler.loadBalancer);
    } catch (error) {
      return this.reject(error, source);
    }

    const diff = diffConfig(config, next, this.parts.sectionsRead, nextSections);
    if (diff.live.length === 0)
      return this.finish({ result: 'unchanged', applied: [], needsRestart: diff.restart }, source);
    try {
      // The one step that can fail (storage) goes first, so a failure leaves everything as it was.
      if (diff.live.includes('taskTypes')) {
        await this.parts.catalog.sync(next.taskTypes);
        config.taskTypes = next.taskTypes;
      }
    } catch (error) {
      return this.reject(error, source);
    }
    if (diff.live.includes('app.logLevel')) {
      config.app.logLevel = next.app.logLevel;
      if (canSetLevel(logger)) logger.level = next.app.logLevel;
    }
    config.app.watchConfig = next.app.watchConfig;
    config.scheduler.loadBalancer = next.scheduler.loadBalancer;
    config.scheduler.maxDispatchRate = next.scheduler.maxDispatchRate;
    if (diff.live.includes('worker.capacity')) {
      config.worker.capacity = next.worker.capacity;
      await this.parts.worker
        ?.capacityChanged()
        .catch((error: unknown) =>
          logger.warn({ err: error }, 'announcing the new worker capacity failed; the next heartbeat retries'),
        );
    }
    return this.finish({ result: 'applied', applied: diff.live, needsRestart: diff.restart }, source);
  }

  private finish(report: ConfigReloadReport, source: string): ConfigReloadReport {
    const { logger, events, config } = this.parts;
    if (report.result === 'rejected') {
      logger.error(
        { source, reason: report.error },
        `config reload rejected, the running config stays: ${report.error}`,
      );
    } else if (report.result === 'applied') {
      const values = report.applied.map((key) =>
        key === 'taskTypes' ? `taskTypes (${config.taskTypes.length})` : `${key}=${String(valueAt(config, key))}`,
      );
      logger.info({ source, applied: report.applied }, `config reloaded: ${values.join(', ')}`);
    } else if (report.needsRestart.length === 0) {
      logger.info({ source }, 'config reloaded: nothing changed');
    }
    if (report.needsRestart.length > 0) {
      logger.warn(
        { source, needsRestart: report.needsRestart },
        `config change needs a restart, not applied: ${report.needsRestart.join(', ')}`,
      );
    }
    events.emit('config_reloaded', { ...report, source });
    return report;
  }
}

/** The throwaway plugins built to validate a config say only what is wrong, not their start-up chatter. */
function warningsOnly(logger: Logger): Logger {
  const quiet: Logger = {
    debug: () => {},
    info: () => {},
    warn: (obj, msg) => logger.warn(obj, msg),
    error: (obj, msg) => logger.error(obj, msg),
    child: () => quiet,
  };
  return quiet;
}

function valueAt(config: ResolvedConfig, key: string): unknown {
  const [section, name] = key.split('.') as [keyof ResolvedConfig, string];
  return (config[section] as unknown as Record<string, unknown>)[name];
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
