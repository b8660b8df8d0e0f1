import { randomBytes } from 'node:crypto';

/** The SDK's id source (its `IdGenerator`), by shape. */
export interface IdSource {
  generateTraceId(): string;
  generateSpanId(): string;
}

/**
 * Random ids, except for the one span started right after `steer`: it gets the ids the core
 * derived for it (a `task.dispatch` whose worker names it as the parent of `task.execute`
 * without being told its id, core/services/trace-context.ts). Span creation is synchronous,
 * so steering, starting and clearing in one go can never hand the ids to another span.
 */
export class SteeredIds implements IdSource {
  private next: { traceId: string; spanId: string } | undefined;

  steer(ids: { traceId: string; spanId: string } | undefined): void {
    this.next = ids;
  }

  generateTraceId(): string {
    return this.next?.traceId ?? nonZeroHex(16);
  }

  generateSpanId(): string {
    return this.next?.spanId ?? nonZeroHex(8);
  }
}

function nonZeroHex(bytes: number): string {
  for (;;) {
    const hex = randomBytes(bytes).toString('hex');
    if (!/^0+$/.test(hex)) return hex;
  }
}
