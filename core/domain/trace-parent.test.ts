import { describe, expect, it } from 'vitest';
import { formatTraceParent, parseTraceParent } from './trace-parent.ts';

const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const SPAN_ID = '00f067aa0ba902b7';

describe('parseTraceParent', () => {
  it('reads a version 00 header, sampled or not', () => {
    expect(parseTraceParent(`00-${TRACE_ID}-${SPAN_ID}-01`)).toEqual({
      traceId: TRACE_ID,
      spanId: SPAN_ID,
      sampled: true,
    });
    expect(parseTraceParent(`00-${TRACE_ID}-${SPAN_ID}-00`)?.sampled).toBe(false);
    expect(parseTraceParent(`00-${TRACE_ID}-${SPAN_ID}-03`)?.sampled).toBe(true);
  });

  it('reads a future version for its first four fields', () => {
    expect(parseTraceParent(`01-${TRACE_ID}-${SPAN_ID}-01-whatever`)).toEqual({
      traceId: TRACE_ID,
      spanId: SPAN_ID,
      sampled: true,
    });
  });

  it.each([
    ['nothing', undefined],
    ['an empty string', ''],
    ['upper-case hex', `00-${TRACE_ID.toUpperCase()}-${SPAN_ID}-01`],
    ['a short trace id', `00-${TRACE_ID.slice(1)}-${SPAN_ID}-01`],
    ['an all-zero trace id', `00-${'0'.repeat(32)}-${SPAN_ID}-01`],
    ['an all-zero span id', `00-${TRACE_ID}-${'0'.repeat(16)}-01`],
    ['version ff', `ff-${TRACE_ID}-${SPAN_ID}-01`],
    ['version 00 with more after the flags', `00-${TRACE_ID}-${SPAN_ID}-01-extra`],
    ['garbage', 'not a trace context'],
  ])('rejects %s', (_what, value) => {
    expect(parseTraceParent(value)).toBeUndefined();
  });

  it('formats what it reads back to the same header', () => {
    const header = `00-${TRACE_ID}-${SPAN_ID}-01`;
    expect(formatTraceParent(parseTraceParent(header)!)).toBe(header);
  });
});
