import { createHash } from 'node:crypto';
import { formatTraceParent, parseTraceParent } from '../domain/trace-parent.ts';
import type { Task } from '../domain/task.ts';
import type { SpanAttributes } from '../ports/tracer.ts';

/*
 * How one task's spans find each other across processes (docs/operations.md, "Tracing").
 *
 * The API writes its `task.create` span into the task (trace_parent), so the scheduler's
 * `task.dispatch` is its child. The worker's `task.execute` must be the child of that
 * dispatch, whose id the worker is never told: the queue carries only task ids, and writing
 * the dispatch's id into the task would add a column to the dispatch's UPDATE. Instead the
 * dispatch span's id is derived from what both sides already read, the task id and the
 * attempt's started_at (written by that very dispatch), and the worker derives the same.
 * A task created while tracing was off gets a trace id derived from its task id the same way.
 */

function hexDigest(text: string, digits: number): string {
  const hex = createHash('sha256').update(text).digest('hex').slice(0, digits);
  // An all-zero id is invalid in W3C trace context; a one in 2^64 chance, but cheap to rule out.
  return /^0+$/.test(hex) ? `${hex.slice(0, -1)}1` : hex;
}

/** The ids of the `task.dispatch` span of the attempt that starts at `startedAt`. */
export function dispatchSpanIds(
  task: Pick<Task, 'taskId' | 'traceParent'>,
  startedAt: Date,
): { traceId: string; spanId: string } {
  const traceId = parseTraceParent(task.traceParent)?.traceId ?? hexDigest(`trace\n${task.taskId}`, 32);
  return { traceId, spanId: hexDigest(`dispatch\n${task.taskId}\n${startedAt.getTime()}`, 16) };
}

/**
 * The running attempt's `task.dispatch` span as a traceparent: the parent of its
 * `task.execute`. Sampled unless the creating span said otherwise.
 */
export function dispatchTraceParent(task: Pick<Task, 'taskId' | 'traceParent' | 'startedAt'>): string | undefined {
  if (task.startedAt === null) return undefined;
  const ids = dispatchSpanIds(task, task.startedAt);
  const sampled = task.traceParent ? (parseTraceParent(task.traceParent)?.sampled ?? true) : true;
  return formatTraceParent({ ...ids, sampled });
}

/** The attributes every task span carries. */
export function taskSpanAttributes(
  task: Pick<Task, 'taskId' | 'taskType' | 'retryCount'>,
  workerId?: string | null,
): SpanAttributes {
  const attributes: SpanAttributes = {
    'task.id': task.taskId,
    'task.type': task.taskType,
    'task.retry_count': task.retryCount,
  };
  if (workerId) attributes['worker.id'] = workerId;
  return attributes;
}
