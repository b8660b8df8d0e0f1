import {
  definePlugin,
  noopTracer,
  TOKENS,
  type Plugin,
  type SpanStart,
  type TraceSpan,
  type Tracer,
} from '../../core/index.ts';
import { readTracingSettings, type Env, type TracingSettings } from './otel-env.ts';
import type { TracePipeline } from './pipeline.ts';

export type { TracingSettings } from './otel-env.ts';

export interface TracingOtelOptions {
  /** Where the OTEL_* variables are read; process.env by default. */
  env?: Env;
}

export interface TracingOtelPlugin extends Plugin {
  /** Whether tracing is on: the environment asked for it and the plugin has started. */
  enabled(): boolean;
  /** Sends every span ended so far now, rather than with the next batch; never rejects. */
  flush(): Promise<void>;
}

/**
 * OpenTelemetry tracing of each task's life (docs/operations.md, "Tracing"): `task.create`,
 * `task.dispatch` and `task.execute` spans, one trace per task across processes, exported
 * over OTLP/HTTP. Configured by the standard OTEL_* variables only; while none turns it on it
 * provides the no-op tracer and never loads the SDK, so it can sit in every config.
 */
export function tracingOtel(options: TracingOtelOptions = {}): TracingOtelPlugin {
  let settings: TracingSettings | undefined;
  let pipeline: TracePipeline | undefined;
  const tracer = new StartedTracer();

  return definePlugin({
    name: 'tracing-otel',
    provides: ['tracer'],
    enabled: () => pipeline !== undefined,
    flush: async () => {
      // A failed export is reported in the log (reporting-exporter.ts), not to the caller.
      await pipeline?.flush().catch(() => undefined);
    },
    setup(ctx) {
      settings = readTracingSettings(options.env ?? process.env);
      ctx.provide(TOKENS.Tracer, settings ? tracer : noopTracer);
    },
    async start(ctx) {
      if (!settings) {
        ctx.logger.debug('no OTEL_EXPORTER_OTLP_ENDPOINT or OTEL_TRACES_EXPORTER: tracing is off');
        return;
      }
      // Loaded here, not in setup: a config reload sets fresh plugins up only to validate them,
      // and they would each leave an SDK behind.
      const { createTracePipeline } = await import('./pipeline.ts');
      pipeline = createTracePipeline(settings, {
        serviceName: ctx.config.app.name,
        instanceId: `${ctx.nodeId}-${process.pid}`,
        roles: ctx.roles,
        logger: ctx.logger,
      });
      tracer.target = pipeline.tracer;
      const otlp = settings.exporters.includes('otlp');
      ctx.logger.info(
        {
          exporters: settings.exporters,
          ...(otlp ? { endpoint: endpointForLog(settings.url), protocol: settings.protocol } : {}),
        },
        'tracing is on',
      );
    },
    async stop() {
      // Stops last (it provides a port): the spans of the tasks that finished during the
      // drain are ended by then, and go out with this final export.
      tracer.target = undefined;
      await pipeline?.shutdown();
      pipeline = undefined;
    },
  });
}

/**
 * What setup provides when tracing is on: `enabled` is known then (the core decides once
 * whether to trace), the SDK behind it only from start, before any task moves.
 */
class StartedTracer implements Tracer {
  readonly enabled = true;
  target: Tracer | undefined;

  startSpan(start: SpanStart): TraceSpan {
    return (this.target ?? noopTracer).startSpan(start);
  }
}

/** The endpoint without credentials or query, which may carry secrets. */
function endpointForLog(url: string): string {
  const parsed = new URL(url);
  return `${parsed.origin}${parsed.pathname}`;
}
