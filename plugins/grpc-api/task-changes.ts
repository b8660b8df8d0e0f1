import type { EventBus, EventName } from '../../core/index.ts';

/** Events that may come with a status change; progress reports do not. */
const STATUS_EVENTS = new Set<EventName>([
  'task_created',
  'task_assigned',
  'task_completed',
  'task_failed',
  'task_cancelled',
  'task_retried',
]);

/**
 * One subscription to the event bus for every waiting call, fanned out by task id. On a Redis
 * deployment the bus also carries other processes' events (the coordination bridge).
 */
export class TaskChanges {
  private readonly listeners = new Map<string, Set<() => void>>();
  private unsubscribe: (() => void) | undefined;

  constructor(private readonly events: EventBus) {}

  /** Calls `onChange` whenever an event names this task; returns the unsubscribe. */
  watch(taskId: string, onChange: () => void): () => void {
    this.unsubscribe ??= this.events.onAny((name, event) => {
      if (!STATUS_EVENTS.has(name)) return;
      const id = (event as { taskId?: unknown }).taskId;
      if (typeof id === 'string') for (const listener of this.listeners.get(id) ?? []) listener();
    });
    let set = this.listeners.get(taskId);
    if (!set) this.listeners.set(taskId, (set = new Set()));
    set.add(onChange);
    return () => {
      set.delete(onChange);
      if (set.size === 0) this.listeners.delete(taskId);
    };
  }

  close(): void {
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    this.listeners.clear();
  }
}
