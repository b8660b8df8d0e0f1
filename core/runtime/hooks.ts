import { createHooks, type Hookable } from 'hookable';
import type { JsonValue } from '../domain/json.ts';
import type { Task } from '../domain/task.ts';

export interface TaskExecutionOutcome {
  status: 'SUCCESS' | 'FAILED' | 'TIMEOUT' | 'CANCELLED';
  result?: JsonValue | null;
  error?: unknown;
  durationMs: number;
}

/** Lifecycle hooks (hookable). Handlers may be async; the app awaits them in order. */
export interface TaskManagerHooks {
  'app:start': () => void | Promise<void>;
  'app:ready': () => void | Promise<void>;
  'app:close': () => void | Promise<void>;
  'task:before-execute': (task: Task) => void | Promise<void>;
  'task:after-execute': (task: Task, outcome: TaskExecutionOutcome) => void | Promise<void>;
}

export type HookRegistry = Hookable<TaskManagerHooks>;

export function createHookRegistry(): HookRegistry {
  return createHooks<TaskManagerHooks>();
}

/**
 * Whether any handler is registered for `name`. The worker calls the task hooks twice per task;
 * with none registered it skips building their arguments. hookable keeps handlers in
 * `_hooks` without a public accessor; a unit test pins this down against the installed version.
 */
export function hasHook(hooks: HookRegistry, name: keyof TaskManagerHooks): boolean {
  const registered = (hooks as unknown as { _hooks?: Record<string, unknown[] | undefined> })._hooks?.[name];
  return registered !== undefined && registered.length > 0;
}
