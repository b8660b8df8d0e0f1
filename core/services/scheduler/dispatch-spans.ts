import type { Task } from '../../domain/task.ts';
import type { TraceSpan, Tracer } from '../../ports/tracer.ts';
import { dispatchSpanIds, taskSpanAttributes } from '../trace-context.ts';

/**
 * The `task.dispatch` spans of one round, one per task assigned: the child of the task's
 * `task.create`, with the ids its worker derives for the parent of `task.execute`
 * (core/services/trace-context.ts). Made only while tracing is on.
 */
export class DispatchSpans {
  private readonly spans = new Map<string, TraceSpan>();
  private readonly sent = new Set<string>();

  constructor(tracer: Tracer, assignments: ReadonlyMap<string, readonly Task[]>, startedAt: Date) {
    for (const [workerId, tasks] of assignments) {
      for (const task of tasks) {
        this.spans.set(
          task.taskId,
          tracer.startSpan({
            name: 'task.dispatch',
            parent: task.traceParent,
            ids: dispatchSpanIds(task, startedAt),
            attributes: taskSpanAttributes(task, workerId),
          }),
        );
      }
    }
  }

  /** These reached their worker's queue. */
  dispatched(taskIds: readonly string[]): void {
    for (const id of taskIds) this.sent.add(id);
  }

  /** The round failed half-way: every span of it says so. */
  failed(error: unknown): void {
    for (const span of this.spans.values()) span.recordError(error);
  }

  /** Ends every span; one whose task was not pushed (cancelled meanwhile, refused, guard lost) says so. */
  end(): void {
    for (const [taskId, span] of this.spans) {
      span.setAttribute('task.dispatched', this.sent.has(taskId));
      span.end();
    }
  }
}
