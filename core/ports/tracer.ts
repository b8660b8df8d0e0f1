/** Span attribute values: what every tracing backend stores as is. */
export type SpanAttributes = Record<string, string | number | boolean>;

export interface SpanStart {
  /** `task.create`, `task.dispatch`, `task.execute` (docs/operations.md, "Tracing"). */
  name: string;
  /**
   * As in messaging: the span that hands work on (`task.create`) is a producer, the one that
   * does it (`task.execute`) a consumer; internal by default.
   */
  kind?: 'internal' | 'producer' | 'consumer';
  /** The parent as a W3C `traceparent`; absent or unreadable starts a new trace. */
  parent?: string | null | undefined;
  /**
   * Ids this span must have instead of fresh random ones: a span that another process names
   * as its parent without being told its id (core/services/trace-context.ts). Lower-case
   * hex: 32 digits for the trace, 16 for the span.
   */
  ids?: { traceId: string; spanId: string };
  attributes?: SpanAttributes;
}

/** One span, started by `Tracer.startSpan` and finished by `end`. */
export interface TraceSpan {
  /** This span as a W3C `traceparent` (`00-<trace id>-<span id>-<flags>`): what a child names as its parent. */
  readonly traceParent: string;
  setAttribute(key: string, value: string | number | boolean): void;
  /** Records the error as an exception event and sets the span's status to ERROR. */
  recordError(error: unknown): void;
  end(): void;
}

/**
 * Distributed tracing of a task's life (docs/operations.md, "Tracing"). The core calls it only
 * when `enabled` is true, so with the no-op tracer below it costs one boolean test per batch,
 * and nothing is written for the trace (the task's trace_parent stays NULL).
 */
export interface Tracer {
  readonly enabled: boolean;
  startSpan(start: SpanStart): TraceSpan;
}

const noopSpan: TraceSpan = {
  traceParent: '00-00000000000000000000000000000000-0000000000000000-00',
  setAttribute() {},
  recordError() {},
  end() {},
};

export const noopTracer: Tracer = {
  enabled: false,
  startSpan: () => noopSpan,
};
