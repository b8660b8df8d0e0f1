import type { EventName, EventOf } from '../../../core/index.ts';

/** What one `data:` line of GET /api/v1/events holds (docs/api.md, "Live events"). */
export interface EventJson {
  event: EventName | 'resync';
  task_id?: string;
  task_type?: string;
  /** RFC 3339, when the event happened in the process that emitted it. */
  timestamp: string;
  /** The process (node id and instance) that emitted it. */
  origin: string;
  /** The event's own fields in snake_case (`worker_id`, `duration_ms`, …). */
  data: Record<string, unknown>;
}

const snakeCase = (key: string) => key.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`);

/** A bus event (camelCase, Date) → the API's JSON (snake_case, RFC 3339), like every other answer. */
export function eventJson(name: EventName, event: EventOf<EventName>): EventJson {
  const { timestamp, origin, remote: _remote, ...fields } = event as EventOf<EventName> & Record<string, unknown>;
  const data: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(fields)) data[snakeCase(key)] = value;
  return {
    event: name,
    ...(typeof fields.taskId === 'string' ? { task_id: fields.taskId } : {}),
    ...(typeof fields.taskType === 'string' ? { task_type: fields.taskType } : {}),
    timestamp: timestamp.toISOString(),
    origin,
    data,
  };
}

const encoder = new TextEncoder();

/**
 * One SSE block. JSON.stringify never emits a raw line break (they are escaped inside strings),
 * so the data always fits on one `data:` line.
 */
export function sseBlock(id: string, event: string, data: unknown): Uint8Array {
  return encoder.encode(`id: ${id}\nevent: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
}

/** A comment line: ignored by every SSE reader, keeps proxies from closing an idle stream. */
export function sseComment(text: string): Uint8Array {
  return encoder.encode(`: ${text}\n\n`);
}

/** Sent first: how long an EventSource waits before it reconnects, and a comment that flushes the headers. */
export function sseHello(retryMs: number): Uint8Array {
  return encoder.encode(`retry: ${retryMs}\n: connected\n\n`);
}
