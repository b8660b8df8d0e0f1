import { randomBytes } from 'node:crypto';
import { formatTraceParent, parseTraceParent, type SpanStart, type TraceSpan, type Tracer } from '../../core/index.ts';

export interface RecordedSpan {
  name: string;
  kind: SpanStart['kind'];
  traceId: string;
  spanId: string;
  /** The parent's span id; undefined for a root. */
  parentSpanId: string | undefined;
  traceParent: string;
  attributes: Record<string, string | number | boolean>;
  errors: unknown[];
  ended: boolean;
}

/** A Tracer port that keeps its spans in memory, with the ids rules of the real one. */
export class RecordingTracer implements Tracer {
  readonly enabled = true;
  readonly spans: RecordedSpan[] = [];

  startSpan(start: SpanStart): TraceSpan {
    const parent = parseTraceParent(start.parent);
    const traceId = start.ids?.traceId ?? parent?.traceId ?? randomBytes(16).toString('hex');
    const spanId = start.ids?.spanId ?? randomBytes(8).toString('hex');
    const recorded: RecordedSpan = {
      name: start.name,
      kind: start.kind,
      traceId,
      spanId,
      parentSpanId: parent?.spanId,
      traceParent: formatTraceParent({ traceId, spanId, sampled: parent?.sampled ?? true }),
      attributes: { ...start.attributes },
      errors: [],
      ended: false,
    };
    this.spans.push(recorded);
    return {
      traceParent: recorded.traceParent,
      setAttribute: (key, value) => void (recorded.attributes[key] = value),
      recordError: (error) => void recorded.errors.push(error),
      end: () => void (recorded.ended = true),
    };
  }

  named(name: string): RecordedSpan[] {
    return this.spans.filter((s) => s.name === name);
  }
}
