import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { pino } from 'pino';
import { container as rootContainer, type DependencyContainer } from 'tsyringe';
import type { Clock, IdGenerator } from '../ports/clock.ts';
import { systemClock } from '../ports/clock.ts';
import type { Logger } from '../ports/logger.ts';
import { noopMetrics } from '../ports/metrics.ts';
import { ClusterService } from '../services/cluster-service.ts';
import { ExecutorRegistry } from '../services/executor-registry.ts';
import { LeaderState } from '../services/leader-state.ts';
import { LoadBalancerRegistry } from '../services/load-balancer-registry.ts';
import { Scheduler } from '../services/scheduler.ts';
import { noTaskCache } from '../services/task-state.ts';
import { TaskService } from '../services/task-service.ts';
import { TaskTypeCatalog } from '../services/task-type-catalog.ts';
import { Worker, nodeIdOf } from '../services/worker.ts';
import type { ResolvedConfig, Role, TaskManagerConfigInput } from './config-schema.ts';
import { CrossProcessEvents } from './event-bridge.ts';
import { InProcessEventBus } from './events.ts';
import { createHookRegistry, type HookRegistry } from './hooks.ts';
import type { HttpRoute } from './http-route.ts';
import type { CoreServices, Plugin, PluginContext } from './plugin.ts';
import { checkPlugins, startOrder } from './plugin-order.ts';
import { resolveConfig, resolveSection, type ResolvedConfigWithEnv } from './resolve-config.ts';
import { PORTS, TOKENS, asInjectionToken, type Token } from './tokens.ts';

export interface CreateOptions {
  /** Environment for overrides; process.env by default. */
  env?: Record<string, string | undefined>;
  clock?: Clock;
  idGenerator?: IdGenerator;
  logger?: Logger;
}

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
  /** The context a plugin was set up with (the CLI's `migrate` runs plugin.migrate with it). */
  pluginContext(plugin: Plugin): PluginContext;
  start(): Promise<void>;
  stop(): Promise<void>;
}

/** Typed identity for `taskmanager.config.ts`. */
export function defineConfig(config: TaskManagerConfigInput): TaskManagerConfigInput {
  return config;
}

/**
 * Builds an app from a config: one child DI container per app (never the global one), every
 * plugin's setup, the port checks, then the core services. Nothing connects until `start()`.
 */
export async function createTaskManager(input: TaskManagerConfigInput, options: CreateOptions = {}): Promise<TaskManager> {
  const config = resolveConfig(input, options.env ?? process.env);
  const plugins = config.plugins;
  checkPlugins(plugins);

  const nodeId = nodeIdOf(config);
  const origin = `${nodeId}:${randomUUID().slice(0, 8)}`;
  const clock = options.clock ?? systemClock;
  const logger: Logger = options.logger ?? pino({ name: config.app.name, level: config.app.logLevel });
  const container = rootContainer.createChildContainer();
  const hooks = createHookRegistry();
  const events = new InProcessEventBus(clock, origin, logger);
  const routes: HttpRoute[] = [];
  const provide = <T>(token: Token<T>, value: T) => container.register(asInjectionToken(token), { useValue: value });
  const resolve = <T>(token: Token<T>): T => container.resolve(asInjectionToken(token));
  const tryResolve = <T>(token: Token<T>): T | undefined =>
    container.isRegistered(asInjectionToken(token), true) ? resolve(token) : undefined;

  provide(TOKENS.Config, config);
  provide(TOKENS.Clock, clock);
  provide(TOKENS.IdGenerator, options.idGenerator ?? randomUUID);
  provide(TOKENS.Logger, logger);
  provide(TOKENS.EventBus, events);
  provide(TOKENS.Hooks, hooks);
  provide(TOKENS.HttpRoutes, routes);
  const executors = new ExecutorRegistry();
  const balancers = new LoadBalancerRegistry();
  container.registerInstance(ExecutorRegistry, executors);
  container.registerInstance(LoadBalancerRegistry, balancers);
  // One per app: the scheduler writes it and the status API reads it (an unregistered
  // @injectable class would be resolved as a fresh instance for each of them).
  container.registerInstance(LeaderState, new LeaderState());

  let services: CoreServices | undefined;
  const contextFor = (plugin: Plugin): PluginContext => ({
    config,
    nodeId,
    roles: config.roles,
    logger: logger.child({ plugin: plugin.name }),
    clock,
    hooks,
    events,
    get services(): CoreServices {
      if (!services) throw new Error(`plugin "${plugin.name}" used ctx.services during setup; use it from start() on`);
      return services;
    },
    provide,
    resolve,
    tryResolve,
    registerExecutor: (executor) => executors.register(executor),
    registerLoadBalancer: (balancer) => balancers.register(balancer),
    registerRoute: (route) => routes.push(route),
    section: (name, schema, sectionOptions) => resolveSection(config, name, schema, sectionOptions),
  });
  const contexts = new Map(plugins.map((p) => [p, contextFor(p)]));

  for (const plugin of plugins) {
    try {
      await plugin.setup?.(contexts.get(plugin)!);
    } catch (error) {
      throw new Error(`plugin "${plugin.name}" failed in setup: ${(error as Error).message}`, { cause: error });
    }
  }
  if (!tryResolve(TOKENS.Metrics)) provide(TOKENS.Metrics, noopMetrics);
  if (!tryResolve(TOKENS.TaskCache)) provide(TOKENS.TaskCache, noTaskCache);
  for (const port of Object.keys(PORTS) as (keyof typeof PORTS)[]) {
    if (plugins.some((p) => p.provides?.includes(port)) && !container.isRegistered(PORTS[port] as symbol, true)) {
      throw new Error(`a plugin declares that it provides "${port}" but registered nothing for it in setup`);
    }
  }

  services = { tasks: container.resolve(TaskService), cluster: container.resolve(ClusterService) };
  const roles = config.roles;
  const scheduler = roles.includes('scheduler') && config.scheduler.enabled ? container.resolve(Scheduler) : undefined;
  const worker = roles.includes('worker') && config.worker.enabled ? container.resolve(Worker) : undefined;
  return new Lifecycle({ config, nodeId, roles, container, hooks, events, logger, services, scheduler, worker, plugins, contexts, resolve, origin, executors });
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

  pluginContext(plugin: Plugin): PluginContext {
    const context = this.parts.contexts.get(plugin);
    if (!context) throw new Error(`plugin "${plugin.name}" is not part of this app`);
    return context;
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
    for (const executor of this.parts.executors.list()) {
      await executor.init?.({
        logger: this.logger.child({ executor: executor.type }),
        taskTypes: types.filter((t) => executor.taskTypes.includes(t.taskType)),
      });
    }
    if (this.config.app.crossProcessEvents) {
      this.bridge = new CrossProcessEvents(this.events, this.parts.resolve(TOKENS.Coordination), this.parts.origin, this.logger);
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
    for (const plugin of consumers) await attempt(`plugin "${plugin.name}"`, () => plugin.stop?.(this.parts.contexts.get(plugin)!));
    await attempt('worker', () => this.worker?.stop());
    await attempt('scheduler', () => this.scheduler?.stop());
    await attempt('event bridge', () => this.bridge?.stop());
    for (const executor of this.parts.executors.list()) await attempt(`executor "${executor.type}"`, () => executor.close?.());
    const providers = this.started.filter((p) => (p.provides?.length ?? 0) > 0).reverse();
    for (const plugin of providers) await attempt(`plugin "${plugin.name}"`, () => plugin.stop?.(this.parts.contexts.get(plugin)!));
    this.started.length = 0;
    this.state = 'stopped';
  }
}
