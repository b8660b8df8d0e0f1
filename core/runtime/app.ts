import 'reflect-metadata';
import type { DependencyContainer } from 'tsyringe';
import type { Logger } from '../ports/logger.ts';
import { ClusterService } from '../services/cluster-service.ts';
import { executorProblem, type ExecutorRegistry } from '../services/executor-registry.ts';
import { LoadBalancerRegistry } from '../services/load-balancer-registry.ts';
import { Scheduler } from '../services/scheduler/scheduler.ts';
import { TaskService } from '../services/tasks/task-service.ts';
import { ScheduleService } from '../services/schedules/schedule-service.ts';
import { TaskTypeCatalog } from '../services/task-type-catalog.ts';
import { Worker } from '../services/worker/worker.ts';
import { ConfigReloader, type ConfigReloadReport } from './config-reload.ts';
import type { Role } from '../config/config-schema.ts';
import type { ResolvedConfig, TaskManagerConfigInput } from './app-config.ts';
import { CrossProcessEvents } from './event-bridge.ts';
import type { InProcessEventBus } from './events.ts';
import type { HookRegistry } from '../ports/hooks.ts';
import type { CoreServices, Plugin, PluginContext } from './plugin.ts';
import { startOrder } from './plugin-order.ts';
import { REQUIRED_PORTS } from './plugin-validation.ts';
import { setupPlugins, type SetupOptions } from './plugin-setup.ts';
import type { ResolvedConfigWithEnv } from './resolve-config.ts';
import { TOKENS, type Token } from '../config/tokens.ts';

/** `env` (process.env by default) for overrides; an injected clock, id generator and logger. */
export type CreateOptions = SetupOptions;

export interface TaskManager {
  readonly config: ResolvedConfig;
  readonly nodeId: string;
  readonly roles: readonly Role[];
  readonly container: DependencyContainer;
  readonly hooks: HookRegistry;
  readonly events: InProcessEventBus;
  readonly logger: Logger;
  readonly services: CoreServices;
  /** Present when this process runs the scheduler role. */
  readonly scheduler: Scheduler | undefined;
  /** Present when this process runs the worker role. */
  readonly worker: Worker | undefined;
  readonly plugins: readonly Plugin[];
  resolve<T>(token: Token<T>): T;
  /**
   * Applies a new config while running (hot reload, docs/operations.md): validated completely
   * first; the live keys are applied, keys that need a restart are reported and left alone,
   * an invalid config changes nothing. Emits `config_reloaded`. `source` names the file.
   */
  reloadConfig(input: TaskManagerConfigInput, source?: string): Promise<ConfigReloadReport>;
  /** Records a config file that could not be read at all (the CLI's watcher): rejected, nothing changes. */
  rejectConfig(error: unknown, source: string): ConfigReloadReport;
  start(): Promise<void>;
  stop(): Promise<void>;
}

/** Typed identity for `taskmanager.config.ts`. */
export function defineConfig(config: TaskManagerConfigInput): TaskManagerConfigInput {
  return config;
}

/**
 * `taskmanager migrate`: sets the plugins up and runs every `migrate` step, without the
 * port checks of a full app (migrating storage needs no queue). Returns the names migrated.
 */
export async function migratePlugins(input: TaskManagerConfigInput, options: CreateOptions = {}): Promise<string[]> {
  const { config, contexts } = await setupPlugins(input, options, []);
  const migrated: string[] = [];
  for (const plugin of config.plugins) {
    if (!plugin.migrate) continue;
    await plugin.migrate(contexts.get(plugin)!);
    migrated.push(plugin.name);
  }
  return migrated;
}

/**
 * Builds an app from a config: one child DI container per app (never the global one), every
 * plugin's setup, the port checks, then the core services. Nothing connects until `start()`.
 */
export async function createTaskManager(
  input: TaskManagerConfigInput,
  options: CreateOptions = {},
): Promise<TaskManager> {
  const setup = await setupPlugins(input, options, REQUIRED_PORTS);
  const { config, container, contexts } = setup;
  const plugins = config.plugins;
  const services: CoreServices = {
    tasks: container.resolve(TaskService),
    cluster: container.resolve(ClusterService),
    schedules: container.resolve(ScheduleService),
  };
  setup.attachServices(services);
  const roles = config.roles;
  const scheduler = roles.includes('scheduler') && config.scheduler.enabled ? container.resolve(Scheduler) : undefined;
  const worker = roles.includes('worker') && config.worker.enabled ? container.resolve(Worker) : undefined;
  if (worker) services.cluster.identifyLocalWorker(worker.id);
  const { nodeId, hooks, events, logger, resolve, origin, executors } = setup;
  const reloader = new ConfigReloader({
    config,
    sectionsRead: setup.sectionsRead,
    setupOptions: options,
    logger,
    events,
    catalog: container.resolve(TaskTypeCatalog),
    balancers: container.resolve(LoadBalancerRegistry),
    worker,
  });
  return new Lifecycle({
    config,
    nodeId,
    roles,
    container,
    hooks,
    events,
    logger,
    services,
    scheduler,
    worker,
    plugins,
    contexts,
    resolve,
    origin,
    executors,
    reloader,
  });
}

interface LifecycleParts {
  config: ResolvedConfigWithEnv;
  nodeId: string;
  roles: readonly Role[];
  container: DependencyContainer;
  hooks: HookRegistry;
  events: InProcessEventBus;
  logger: Logger;
  services: CoreServices;
  scheduler: Scheduler | undefined;
  worker: Worker | undefined;
  plugins: readonly Plugin[];
  contexts: Map<Plugin, PluginContext>;
  resolve: <T>(token: Token<T>) => T;
  origin: string;
  executors: ExecutorRegistry;
  reloader: ConfigReloader;
}

/**
 * start: port providers (dependency order) → core (task types, executors, event bridge,
 * scheduler, worker) → the other plugins (HTTP API, exporters). stop runs it backwards.
 */
class Lifecycle implements TaskManager {
  readonly config: ResolvedConfig;
  readonly nodeId: string;
  readonly roles: readonly Role[];
  readonly container: DependencyContainer;
  readonly hooks: HookRegistry;
  readonly events: InProcessEventBus;
  readonly logger: Logger;
  readonly services: CoreServices;
  readonly scheduler: Scheduler | undefined;
  readonly worker: Worker | undefined;
  readonly plugins: readonly Plugin[];
  readonly resolve: <T>(token: Token<T>) => T;
  private readonly started: Plugin[] = [];
  private bridge: CrossProcessEvents | undefined;
  private state: 'new' | 'starting' | 'running' | 'stopping' | 'stopped' = 'new';

  constructor(private readonly parts: LifecycleParts) {
    this.config = parts.config;
    this.nodeId = parts.nodeId;
    this.roles = parts.roles;
    this.container = parts.container;
    this.hooks = parts.hooks;
    this.events = parts.events;
    this.logger = parts.logger;
    this.services = parts.services;
    this.scheduler = parts.scheduler;
    this.worker = parts.worker;
    this.plugins = parts.plugins;
    this.resolve = parts.resolve;
  }

  async start(): Promise<void> {
    if (this.state !== 'new') throw new Error(`cannot start a task manager that is ${this.state}`);
    this.state = 'starting';
    const ordered = startOrder(this.plugins);
    const providers = ordered.filter((p) => (p.provides?.length ?? 0) > 0);
    const consumers = ordered.filter((p) => (p.provides?.length ?? 0) === 0);
    try {
      await this.hooks.callHook('app:start');
      for (const plugin of providers) await this.startPlugin(plugin);
      await this.startCore();
      for (const plugin of consumers) await this.startPlugin(plugin);
      this.state = 'running';
      await this.hooks.callHook('app:ready');
    } catch (error) {
      this.logger.error({ err: error }, 'start failed; stopping what was started');
      await this.shutdown();
      throw error;
    }
  }

  reloadConfig(input: TaskManagerConfigInput, source = 'config'): Promise<ConfigReloadReport> {
    return this.parts.reloader.reload(input, source);
  }

  rejectConfig(error: unknown, source: string): ConfigReloadReport {
    return this.parts.reloader.reject(error, source);
  }

  async stop(): Promise<void> {
    if (this.state === 'stopped' || this.state === 'stopping') return;
    await this.shutdown();
  }

  private async startPlugin(plugin: Plugin): Promise<void> {
    try {
      await plugin.start?.(this.parts.contexts.get(plugin)!);
      this.started.push(plugin);
    } catch (error) {
      throw new Error(`plugin "${plugin.name}" failed to start: ${(error as Error).message}`, { cause: error });
    }
  }

  private async startCore(): Promise<void> {
    const catalog = this.container.resolve(TaskTypeCatalog);
    await catalog.sync(this.config.taskTypes);
    const types = await catalog.list();
    for (const type of this.config.taskTypes) {
      const problem = executorProblem(this.parts.executors, type.taskType, type.executorType);
      if (problem)
        this.logger.warn(
          { taskType: type.taskType },
          `task type "${type.taskType}" cannot run in this process: ${problem}`,
        );
    }
    for (const executor of this.parts.executors.list()) {
      await executor.init?.({
        logger: this.logger.child({ executor: executor.type }),
        taskTypes: types.filter((t) => executor.taskTypes.includes(t.taskType)),
      });
    }
    if (this.config.app.crossProcessEvents) {
      this.bridge = new CrossProcessEvents(
        this.events,
        this.parts.resolve(TOKENS.Coordination),
        this.parts.origin,
        this.logger,
      );
      await this.bridge.start();
    }
    this.scheduler?.start();
    await this.worker?.start();
  }

  private async shutdown(): Promise<void> {
    this.state = 'stopping';
    const attempt = async (what: string, run: () => unknown) => {
      try {
        await run();
      } catch (error) {
        this.logger.error({ err: error }, `${what} failed during stop`);
      }
    };
    await attempt('app:close hook', () => this.hooks.callHook('app:close'));
    const consumers = this.started.filter((p) => (p.provides?.length ?? 0) === 0).reverse();
    for (const plugin of consumers)
      await attempt(`plugin "${plugin.name}"`, () => plugin.stop?.(this.parts.contexts.get(plugin)!));
    await attempt('task service', () => this.services.tasks.close());
    await attempt('worker', () => this.worker?.stop());
    await attempt('scheduler', () => this.scheduler?.stop());
    await attempt('event bridge', () => this.bridge?.stop());
    for (const executor of this.parts.executors.list())
      await attempt(`executor "${executor.type}"`, () => executor.close?.());
    const providers = this.started.filter((p) => (p.provides?.length ?? 0) > 0).reverse();
    for (const plugin of providers)
      await attempt(`plugin "${plugin.name}"`, () => plugin.stop?.(this.parts.contexts.get(plugin)!));
    this.started.length = 0;
    this.state = 'stopped';
  }
}
