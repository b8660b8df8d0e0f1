import { randomUUID } from 'node:crypto';
import os from 'node:os';
import { container as rootContainer, type DependencyContainer } from 'tsyringe';
import { nodeIdOf } from '../domain/node-id.ts';
import { systemClock, type Clock, type IdGenerator } from '../ports/clock.ts';
import type { Logger } from '../ports/logger.ts';
import { noopMetrics } from '../ports/metrics.ts';
import { noopTracer } from '../ports/tracer.ts';
import { ExecutorRegistry } from '../services/executor-registry.ts';
import { LeaderState } from '../services/scheduler/leader-state.ts';
import { LocalHandoff } from '../services/local-handoff.ts';
import { LoadBalancerRegistry } from '../services/load-balancer-registry.ts';
import { noTaskCache } from '../services/task-state.ts';
import { noScheduleStore, noTaskTypeControls } from '../services/schedules/unsupported-stores.ts';
import { TaskTypeCatalog } from '../services/task-type-catalog.ts';
import { TaskService } from '../services/tasks/task-service.ts';
import type { TaskManagerConfigInput } from './app-config.ts';
import { InProcessEventBus } from './events.ts';
import type { HookRegistry } from '../ports/hooks.ts';
import { createHookRegistry } from './hooks.ts';
import { createLogger } from './logger.ts';
import type { HttpRoute } from '../ports/http-route.ts';
import type { CoreServices, Plugin, PluginContext } from './plugin.ts';
import type { SectionRead } from './config-diff.ts';
import { checkPlugins } from './plugin-validation.ts';
import { resolveConfig, resolveSection, type ResolvedConfigWithEnv } from './resolve-config.ts';
import { PORTS, TOKENS, asInjectionToken, type PortName, type Token } from '../config/tokens.ts';

export interface SetupOptions {
  /** Environment for overrides; process.env by default. */
  env?: Record<string, string | undefined>;
  clock?: Clock;
  idGenerator?: IdGenerator;
  logger?: Logger;
}

export interface PluginSetup {
  config: ResolvedConfigWithEnv;
  nodeId: string;
  /** Node id + instance suffix: tells this app's events from others' on the bridge. */
  origin: string;
  logger: Logger;
  container: DependencyContainer;
  hooks: HookRegistry;
  events: InProcessEventBus;
  executors: ExecutorRegistry;
  contexts: Map<Plugin, PluginContext>;
  /** Every plugin section as its plugin resolved it, by plugin and section (what a config reload compares). */
  sectionsRead: Map<string, SectionRead>;
  resolve: <T>(token: Token<T>) => T;
  /** Makes `ctx.services` usable (from start() on). */
  attachServices(services: CoreServices): void;
}

/**
 * Validates the config, creates the app's own child container with the core's shared
 * objects, and runs every plugin's setup (registration only, no I/O).
 */
export async function setupPlugins(
  input: TaskManagerConfigInput,
  options: SetupOptions,
  requiredPorts: readonly PortName[],
): Promise<PluginSetup> {
  const config = resolveConfig(input, options.env ?? process.env);
  const plugins = config.plugins;
  checkPlugins(plugins, requiredPorts);

  const nodeId = nodeIdOf(config.app.nodeId, os.hostname());
  const origin = `${nodeId}:${randomUUID().slice(0, 8)}`;
  const clock = options.clock ?? systemClock;
  const logger: Logger = options.logger ?? createLogger({ name: config.app.name, level: config.app.logLevel });
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
  // One per app too: the scheduler puts, the worker of the same app takes.
  container.registerInstance(LocalHandoff, new LocalHandoff());

  let services: CoreServices | undefined;
  const sectionsRead = new Map<string, SectionRead>();
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
    taskTypesServedBy: (executorType, explicit) => {
      const served = explicit
        ? [...explicit]
        : config.taskTypes.filter((t) => t.executorType === executorType).map((t) => t.taskType);
      if (served.length === 0) {
        logger.warn(
          { plugin: plugin.name, executorType },
          `${plugin.name} serves no task type: declare one with executorType "${executorType}"`,
        );
      }
      return served;
    },
    registerLoadBalancer: (balancer) => balancers.register(balancer),
    registerRoute: (route) => routes.push(route),
    section: (name, schema, sectionOptions) => {
      const value = resolveSection(config, name, schema, sectionOptions);
      sectionsRead.set(`${plugin.name}/${name}`, { plugin: plugin.name, section: name, value });
      return value;
    },
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
  if (!tryResolve(TOKENS.ScheduleStore)) provide(TOKENS.ScheduleStore, noScheduleStore);
  if (!tryResolve(TOKENS.TaskTypeControls)) provide(TOKENS.TaskTypeControls, noTaskTypeControls);
  // One catalog per app: a pause or an edit through the API is seen at once by this
  // process's scheduler and worker, not after their own copies' refresh.
  container.registerSingleton(TaskTypeCatalog);
  // One per app as well: the scheduler fires schedules through the same service the API uses.
  container.registerSingleton(TaskService);
  if (!tryResolve(TOKENS.Tracer)) provide(TOKENS.Tracer, noopTracer);
  for (const port of Object.keys(PORTS) as (keyof typeof PORTS)[]) {
    if (plugins.some((p) => p.provides?.includes(port)) && !container.isRegistered(PORTS[port] as symbol, true)) {
      throw new Error(`a plugin declares that it provides "${port}" but registered nothing for it in setup`);
    }
  }

  return {
    config,
    nodeId,
    origin,
    logger,
    container,
    hooks,
    events,
    executors,
    contexts,
    sectionsRead,
    resolve,
    attachServices: (attached) => {
      services = attached;
    },
  };
}
