import type { z } from 'zod';
import {
  configSchema,
  createHookRegistry,
  InProcessEventBus,
  systemClock,
  type CoreServices,
  type Executor,
  type HttpRoute,
  type LoadBalancer,
  type Logger,
  type PluginContext,
  type ResolvedConfig,
  type Token,
} from '../../core/index.ts';

/** A logger that drops everything; `lines` keeps what was logged so tests can assert on it. */
export function silentLogger(lines: unknown[] = []): Logger {
  const record = (obj: object | string, msg?: string) => {
    lines.push(msg === undefined ? obj : [obj, msg]);
  };
  const logger: Logger = {
    debug: record,
    info: record,
    warn: record,
    error: record,
    child: () => logger,
  };
  return logger;
}

export interface FakePluginContext extends PluginContext {
  readonly executors: Executor[];
  readonly loadBalancers: LoadBalancer[];
  readonly routes: HttpRoute[];
  readonly logLines: unknown[];
}

/**
 * A minimal PluginContext for plugin unit tests: provide/resolve over a Map, registrations
 * collected into arrays, `section()` = schema.parse({ ...fileSection, ...options }).
 */
export function createFakePluginContext(
  sections: Record<string, Record<string, unknown>> = {},
  services?: CoreServices,
): FakePluginContext {
  const values = new Map<symbol, unknown>();
  const logLines: unknown[] = [];
  const logger = silentLogger(logLines);
  const config: ResolvedConfig = { ...configSchema.parse({}), sections };
  const executors: Executor[] = [];
  const loadBalancers: LoadBalancer[] = [];
  const routes: HttpRoute[] = [];

  return {
    config,
    nodeId: 'test-node',
    roles: config.roles,
    logger,
    clock: systemClock,
    hooks: createHookRegistry(),
    events: new InProcessEventBus(systemClock, 'test-node', logger),
    executors,
    loadBalancers,
    routes,
    logLines,
    get services(): CoreServices {
      if (!services) throw new Error('this fake PluginContext was created without core services');
      return services;
    },
    provide<T>(token: Token<T>, value: T) {
      values.set(token, value);
    },
    resolve<T>(token: Token<T>): T {
      if (!values.has(token)) throw new Error(`nothing provided for ${String(token)}`);
      return values.get(token) as T;
    },
    tryResolve<T>(token: Token<T>): T | undefined {
      return values.get(token) as T | undefined;
    },
    registerExecutor(executor) {
      executors.push(executor);
    },
    taskTypesServedBy(executorType, explicit) {
      return explicit
        ? [...explicit]
        : config.taskTypes.filter((t) => t.executorType === executorType).map((t) => t.taskType);
    },
    registerLoadBalancer(balancer) {
      loadBalancers.push(balancer);
    },
    registerRoute(route) {
      routes.push(route);
    },
    section<S extends z.ZodType>(name: string, schema: S, options?: Partial<z.input<S>>): z.output<S> {
      return schema.parse({ ...(sections[name] ?? {}), ...(options ?? {}) });
    },
  };
}
