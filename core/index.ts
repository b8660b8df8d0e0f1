/**
 * The public surface of async-task-manager's core: what plugins, config files and
 * embedding applications import. Plugins import from here, never from each other.
 */
import 'reflect-metadata';

export * from './domain/index.ts';
export * from './ports/index.ts';
export { TOKENS, PORTS, type Token, type PortName } from './runtime/tokens.ts';
export { definePlugin, type Plugin, type PluginContext } from './runtime/plugin.ts';
export type { HttpRoute, HttpMethod } from './runtime/http-route.ts';
export { createHookRegistry, type TaskManagerHooks, type HookRegistry, type TaskExecutionOutcome } from './runtime/hooks.ts';
export { InProcessEventBus, toWireEvent } from './runtime/events.ts';
export { parseDuration, duration, integer, boolean } from './runtime/duration.ts';
export {
  configSchema,
  taskTypeSchema,
  ROLES,
  type Role,
  type ResolvedConfig,
  type TaskManagerConfigInput,
  type TaskTypeInput,
} from './runtime/config-schema.ts';
export { WakeList } from './runtime/wake-list.ts';
export * from './runtime/public.ts';
