import type { TaskStatus } from '../domain/task.ts';

/** The typed events (docs/design.md#events-and-hooks). Every payload also gets `timestamp` and `origin` on emit. */
export interface TaskManagerEvents {
  task_created: { taskId: string; taskType: string; priority: number };
  task_assigned: {
    taskId: string;
    taskType: string;
    workerId: string;
    /** How long the task waited to be dispatched since it became due (created, or its delay or retry ended). */
    waitMs?: number;
  };
  task_completed: { taskId: string; taskType: string; workerId: string; durationMs: number };
  task_failed: {
    taskId: string;
    taskType: string;
    workerId: string | null;
    status: Extract<TaskStatus, 'FAILED' | 'TIMEOUT'>;
    error: string;
    /** true when no retry follows. */
    final: boolean;
  };
  task_cancelled: { taskId: string; taskType: string; from: TaskStatus };
  task_retried: { taskId: string; taskType: string; retryCount: number; delayMs: number };
  task_progress: { taskId: string; taskType: string; percent: number; message?: string };
  worker_online: { workerId: string };
  worker_offline: { workerId: string; recoveredTasks: number };
  leader_elected: { leaderId: string };
  /** The leader fired a schedule: the task of one fire time (created false: it existed already). */
  schedule_fired: { scheduleId: string; taskId: string; taskType: string; fireAt: string; created: boolean };
  /** A task type was paused or resumed (POST /api/v1/task-types/:type/pause|resume). */
  task_type_paused: { taskType: string; paused: boolean };
  /** This process read its config file again (docs/operations.md, hot reload). */
  config_reloaded: {
    result: 'applied' | 'rejected' | 'unchanged';
    /** Keys applied live, e.g. `worker.capacity`. */
    applied: string[];
    /** Keys that changed but take effect only after a restart. */
    needsRestart: string[];
    /** Why the new config was rejected. */
    error?: string;
    /** The file (or other source) read. */
    source: string;
  };
}

export type EventName = keyof TaskManagerEvents;

export interface EventMeta {
  timestamp: Date;
  /** Node that emitted it; events from other processes carry theirs. */
  origin: string;
  /** true when the event arrived over the cross-process bridge. */
  remote: boolean;
}

export type EventOf<K extends EventName> = TaskManagerEvents[K] & EventMeta;
export type EventHandler<K extends EventName> = (event: EventOf<K>) => void | Promise<void>;

export interface ListenOptions {
  /**
   * Only this process's own events (metrics, alerts about what happened here). Events of other
   * processes travel between processes only while some listener wants them, so a listener
   * that does not should say so: it saves every process a message per event.
   */
  localOnly?: boolean;
}

export interface EventBus {
  emit<K extends EventName>(name: K, payload: TaskManagerEvents[K]): void;
  on<K extends EventName>(name: K, handler: EventHandler<K>, options?: ListenOptions): () => void;
  /** Every event, whatever its name (bridges, dashboards). */
  onAny(handler: (name: EventName, event: EventOf<EventName>) => void, options?: ListenOptions): () => void;
}

/** The JSON on `task:events` (docs/operations.md#key-layout): `{event, task_id, task_type, timestamp}` plus the payload. */
export interface WireEvent {
  event: EventName;
  task_id?: string;
  task_type?: string;
  /** Unix milliseconds. */
  timestamp: number;
  origin: string;
  data: Record<string, unknown>;
}
