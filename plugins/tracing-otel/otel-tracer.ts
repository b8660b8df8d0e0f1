import {
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  TraceFlags,
  trace,
  type Context,
  type Span,
  type Tracer as ApiTracer,
} from '@opentelemetry/api';
import { formatTraceParent, parseTraceParent, type SpanStart, type TraceSpan, type Tracer } from '../../core/index.ts';
import type { SteeredIds } from './steered-ids.ts';

const KINDS = { internal: SpanKind.INTERNAL, producer: SpanKind.PRODUCER, consumer: SpanKind.CONSUMER } as const;

/** The core's Tracer port on an OpenTelemetry tracer. */
export class OtelTracer implements Tracer {
  readonly enabled = true;

  constructor(
    private readonly tracer: ApiTracer,
    private readonly ids: SteeredIds,
  ) {}

  startSpan(start: SpanStart): TraceSpan {
    const parent = parseTraceParent(start.parent);
    const context: Context = parent
      ? trace.setSpanContext(ROOT_CONTEXT, {
          traceId: parent.traceId,
          spanId: parent.spanId,
          traceFlags: parent.sampled ? TraceFlags.SAMPLED : TraceFlags.NONE,
          isRemote: true,
        })
      : ROOT_CONTEXT;
    this.ids.steer(start.ids);
    try {
      const span = this.tracer.startSpan(
        start.name,
        { kind: KINDS[start.kind ?? 'internal'], ...(start.attributes ? { attributes: start.attributes } : {}) },
        context,
      );
      return new OtelSpan(span);
    } finally {
      this.ids.steer(undefined);
    }
  }
}

class OtelSpan implements TraceSpan {
  readonly traceParent: string;

  constructor(private readonly span: Span) {
    const { traceId, spanId, traceFlags } = span.spanContext();
    this.traceParent = formatTraceParent({ traceId, spanId, sampled: (traceFlags & TraceFlags.SAMPLED) !== 0 });
  }

  setAttribute(key: string, value: string | number | boolean): void {
    this.span.setAttribute(key, value);
  }

  recordError(error: unknown): void {
    const exception = error instanceof Error ? error : new Error(String(error));
    this.span.recordException(exception);
    this.span.setStatus({ code: SpanStatusCode.ERROR, message: exception.message });
  }

  end(): void {
    this.span.end();
  }
}
