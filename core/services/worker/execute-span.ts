import type { Task } from '../../domain/task.ts';
import type { TraceSpan, Tracer } from '../../ports/tracer.ts';
import { dispatchTraceParent, taskSpanAttributes } from '../trace-context.ts';
import type { ExecutionResult } from './task-execution.ts';

/**
 * The `task.execute` span of one attempt: the child of the `task.dispatch` that sent the task
 * here, whose traceparent the worker derives from the task (core/services/trace-context.ts).
 */
export function startExecuteSpan(tracer: Tracer, task: Task, workerId: string): TraceSpan {
  return tracer.startSpan({
    name: 'task.execute',
    kind: 'consumer',
    parent: dispatchTraceParent(task),
    attributes: taskSpanAttributes(task, workerId),
  });
}

/** What the attempt came to, on the span: a failure or a timeout is an ERROR with the executor's error. */
export function endExecuteSpan(span: TraceSpan, result: ExecutionResult): void {
  span.setAttribute('task.outcome', outcomeName(result));
  if (result.kind === 'failed' || result.kind === 'timeout') span.recordError(result.error);
  span.end();
}

function outcomeName(result: ExecutionResult): string {
  switch (result.kind) {
    case 'success':
      return 'SUCCESS';
    case 'failed':
      return 'FAILED';
    case 'timeout':
      return 'TIMEOUT';
    case 'cancelled':
      return 'CANCELLED';
    case 'shutdown':
      return 'SHUTDOWN';
  }
}
