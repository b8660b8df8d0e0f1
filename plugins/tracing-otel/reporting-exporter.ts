import type { SpanExporter } from '@opentelemetry/sdk-trace';
import type { Logger } from '../../core/index.ts';

type ExportCallback = Parameters<SpanExporter['export']>[1];
type ExportResult = Parameters<ExportCallback>[0];

/** How often a failing exporter is reported: enough to notice, not one line per batch. */
const REPORT_INTERVAL_MS = 60_000;

/**
 * An exporter that says when spans are lost. The SDK reports failed exports only through its
 * global diagnostic logger, silent by default; this logs a warning instead (at most once a
 * minute, with the spans lost since the last one), per app and without global state.
 */
export class ReportingExporter implements SpanExporter {
  private lastReportAt = -Infinity;
  private lost = 0;

  constructor(
    private readonly inner: SpanExporter,
    private readonly name: string,
    private readonly logger: Logger,
  ) {}

  export(spans: Parameters<SpanExporter['export']>[0], resultCallback: ExportCallback): void {
    this.inner.export(spans, (result: ExportResult) => {
      // ExportResultCode.SUCCESS is 0.
      if (result.code !== 0) this.report(spans.length, result.error);
      resultCallback(result);
    });
  }

  shutdown(): Promise<void> {
    return this.inner.shutdown();
  }

  forceFlush(): Promise<void> {
    return this.inner.forceFlush?.() ?? Promise.resolve();
  }

  private report(count: number, error: Error | undefined): void {
    this.lost += count;
    const now = Date.now();
    if (now - this.lastReportAt < REPORT_INTERVAL_MS) return;
    this.lastReportAt = now;
    this.logger.warn(
      { err: error, exporter: this.name, spansLost: this.lost },
      'exporting spans failed; they are dropped (tasks are not affected)',
    );
    this.lost = 0;
  }
}
