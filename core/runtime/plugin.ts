import type { z } from 'zod';
import type { Clock } from '../ports/clock.ts';
import type { EventBus } from '../ports/event-bus.ts';
import type { Executor } from '../ports/executor.ts';
import type { LoadBalancer } from '../ports/load-balancer.ts';
import type { Logger } from '../ports/logger.ts';
import type { ClusterService } from '../services/cluster-service.ts';
import type { TaskService } from '../services/tasks/task-service.ts';
import type { ScheduleService } from '../services/schedules/schedule-service.ts';
import type { Role } from '../config/config-schema.ts';
import type { ResolvedConfig } from './app-config.ts';
import type { HookRegistry } from '../ports/hooks.ts';
import type { HttpRoute } from '../ports/http-route.ts';
import type { PortName, Token } from '../config/tokens.ts';

export interface CoreServices {
  readonly tasks: TaskService;
  readonly cluster: ClusterService;
  readonly schedules: ScheduleService;
}

export interface PluginContext {
  readonly config: ResolvedConfig;
  readonly nodeId: string;
  readonly roles: readonly Role[];
  /** Already names the plugin (`plugin: <name>` on every line): a child logger need not add it again. */
  readonly logger: Logger;
  readonly clock: Clock;
  readonly hooks: HookRegistry;
  readonly events: EventBus;
  /** The core services; usable from `start()` on (they are built after every plugin's setup). */
  readonly services: CoreServices;
  /** Registers an implementation under a token (a port, or a plugin's own token). */
  provide<T>(token: Token<T>, value: T): void;
  resolve<T>(token: Token<T>): T;
  tryResolve<T>(token: Token<T>): T | undefined;
  registerExecutor(executor: Executor): void;
  /**
   * The task types an executor of `executorType` serves: `explicit` when the plugin's options
   * list them, otherwise every configured task type whose executorType is this one. Logs a
   * warning when that leaves none (a plugin installed for nothing).
   */
  taskTypesServedBy(executorType: string, explicit?: readonly string[]): string[];
  registerLoadBalancer(balancer: LoadBalancer): void;
  /** Adds a route to the HTTP API (Web-standard Request → Response; e.g. /metrics). */
  registerRoute(route: HttpRoute): void;
  /**
   * Reads this plugin's config section (`http`, `mysql`, …) merged in the order
   * schema defaults < config file section < factory `options` < environment overrides,
   * validated by `schema`; a bad key fails with its path (`mysql.poolSize: …`).
   */
  section<S extends z.ZodType>(name: string, schema: S, options?: Partial<z.input<S>>): z.output<S>;
}

/** What a plugin factory returns. Hooks run setup (all) → start (dependency order) → stop (reverse). */
export interface Plugin {
  readonly name: string;
  /** Ports this plugin provides; each port must be provided exactly once. */
  readonly provides?: readonly PortName[];
  /** Ports this plugin needs; it starts after their providers and stops before them. */
  readonly requires?: readonly PortName[];
  /** Register implementations; no I/O. */
  setup?(ctx: PluginContext): void | Promise<void>;
  /** Connect, listen, load scripts. */
  start?(ctx: PluginContext): void | Promise<void>;
  /** Drain and disconnect. */
  stop?(ctx: PluginContext): void | Promise<void>;
  /**
   * Bring durable state up to date (`taskmanager migrate`): called after setup, instead of
   * start. Idempotent: a second run does nothing.
   */
  migrate?(ctx: PluginContext): void | Promise<void>;
}

/** Typed identity: gives a plugin literal its type without a class. */
export function definePlugin<P extends Plugin>(plugin: P): P {
  return plugin;
}
