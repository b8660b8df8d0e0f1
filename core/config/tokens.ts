import type { InjectionToken } from 'tsyringe';
import type { Clock, IdGenerator } from '../ports/clock.ts';
import type { CoordinationPort } from '../ports/coordination.ts';
import type { EventBus } from '../ports/event-bus.ts';
import type { Logger } from '../ports/logger.ts';
import type { MetricsPort } from '../ports/metrics.ts';
import type { TaskQueue } from '../ports/queue.ts';
import type { StoragePort } from '../ports/storage.ts';
import type { ScheduleStore } from '../ports/schedule-store.ts';
import type { TaskTypeControlStore } from '../ports/task-type-controls.ts';
import type { TaskCache } from '../ports/task-cache.ts';
import type { Tracer } from '../ports/tracer.ts';
import type { ApiAccess } from './api-access.ts';
import type { HookRegistry } from '../ports/hooks.ts';
import type { HttpRoute } from '../ports/http-route.ts';
import type { CoreConfig } from './config-schema.ts';

/** Typed token: the type parameter ties `provide` and `resolve` together. */
export type Token<T> = symbol & { readonly __type?: T };

function token<T>(name: string): Token<T> {
  return Symbol.for(`taskmanager.${name}`) as Token<T>;
}

export const TOKENS = {
  Storage: token<StoragePort>('storage'),
  /** Schedules, provided by the storage plugin beside `storage` (absent: the schedule API answers 50301). */
  ScheduleStore: token<ScheduleStore>('schedule-store'),
  /** Task types' pause and rate limit, provided by the storage plugin beside `storage`. */
  TaskTypeControls: token<TaskTypeControlStore>('task-type-controls'),
  Queue: token<TaskQueue>('queue'),
  Coordination: token<CoordinationPort>('coordination'),
  Metrics: token<MetricsPort>('metrics'),
  TaskCache: token<TaskCache>('task-cache'),
  Tracer: token<Tracer>('tracer'),
  Clock: token<Clock>('clock'),
  IdGenerator: token<IdGenerator>('id-generator'),
  Logger: token<Logger>('logger'),
  EventBus: token<EventBus>('event-bus'),
  Hooks: token<HookRegistry>('hooks'),
  /** The resolved config; the core services read only its core sections. */
  Config: token<CoreConfig>('config'),
  /** Routes contributed by plugins (registerRoute), mounted by the HTTP API plugin. */
  HttpRoutes: token<HttpRoute[]>('http-routes'),
  /** The API access settings the HTTP API resolved (keys, limits), so the gRPC API enforces the same. */
  ApiAccess: token<ApiAccess>('api-access'),
} as const;

/** Ports a plugin can provide; `provides` in a plugin definition names these. */
export const PORTS = {
  storage: TOKENS.Storage,
  queue: TOKENS.Queue,
  coordination: TOKENS.Coordination,
  metrics: TOKENS.Metrics,
  'task-cache': TOKENS.TaskCache,
  tracer: TOKENS.Tracer,
} as const;
export type PortName = keyof typeof PORTS;

export function asInjectionToken<T>(t: Token<T>): InjectionToken<T> {
  return t as InjectionToken<T>;
}
