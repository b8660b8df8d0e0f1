/**
 * The public surface of async-task-manager's core: what plugins, config files and
 * embedding applications import. Plugins import from here, never from each other.
 */
import 'reflect-metadata';

export * from './domain/index.ts';
export * from './ports/index.ts';
export { TOKENS, PORTS, type Token, type PortName } from './config/tokens.ts';
export { definePlugin, type Plugin, type PluginContext } from './runtime/plugin.ts';
export { createHookRegistry } from './runtime/hooks.ts';
export { InProcessEventBus, toWireEvent } from './runtime/events.ts';
export { parseDuration, duration, integer, boolean } from './config/value-schemas.ts';
export { taskTypeSchema, ROLES, type Role, type CoreConfig, type TaskTypeInput } from './config/config-schema.ts';
export { configSchema, type ResolvedConfig, type TaskManagerConfigInput } from './runtime/app-config.ts';
export { WakeList } from './runtime/wake-list.ts';
export * from './runtime/public.ts';
