import type { EventOf } from '../../core/index.ts';

export type AlertLevel = 'INFO' | 'WARNING' | 'ERROR';

/** The JSON body POSTed to the webhook (docs/operations.md, alerts). */
export interface AlertPayload {
  level: AlertLevel;
  title: string;
  message: string;
  task_id?: string;
  task_type?: string;
  worker_id?: string;
  error?: string;
  /** RFC 3339 UTC time of what happened. */
  at: string;
  /** One line for chat webhooks (Slack, Mattermost, Teams' incoming webhooks show `text`). */
  text: string;
  /** Threshold alerts: the measured value and the limit. */
  details?: Record<string, number | string>;
}

/** An alert and the key its cool-down is kept under. */
export interface Alert {
  key: string;
  payload: AlertPayload;
}

type PayloadFields = Omit<AlertPayload, 'text' | 'at'>;

export function makeAlert(key: string, fields: PayloadFields, at: Date): Alert {
  const detail = fields.error ? ` (${fields.error})` : '';
  return {
    key,
    payload: { ...fields, at: at.toISOString(), text: `[${fields.level}] ${fields.title}: ${fields.message}${detail}` },
  };
}

export function taskFailedAlert(event: EventOf<'task_failed'>): Alert {
  return makeAlert(
    `task_failed:${event.taskId}`,
    {
      level: 'ERROR',
      title: 'Task Failed',
      message: `Task ${event.taskId} failed`,
      task_id: event.taskId,
      task_type: event.taskType,
      ...(event.workerId ? { worker_id: event.workerId } : {}),
      error: event.status === 'TIMEOUT' ? `TIMEOUT: ${event.error}` : event.error,
    },
    event.timestamp,
  );
}

export function workerOfflineAlert(event: EventOf<'worker_offline'>): Alert {
  return makeAlert(
    `worker_offline:${event.workerId}`,
    {
      level: 'WARNING',
      title: 'Worker Offline',
      message: `Worker ${event.workerId} went offline; ${event.recoveredTasks} task(s) were put back in the queue`,
      worker_id: event.workerId,
    },
    event.timestamp,
  );
}
