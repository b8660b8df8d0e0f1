import type { Hookable } from 'hookable';
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

/** hookable's registry of the hooks above (core/runtime/hooks.ts makes one per app). */
export interface HookRegistry extends Hookable<TaskManagerHooks> {
  /**
   * Whether any handler is registered for `name`. The worker calls the task hooks twice per
   * task; with none registered it skips building their arguments.
   */
  hasHandlers(name: keyof TaskManagerHooks): boolean;
}
