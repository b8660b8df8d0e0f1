import { OTLPTraceExporter as JsonTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as ProtobufTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { detectResources, resourceAttributesEnvDetector, resourceFromAttributes } from '@opentelemetry/resources';
import {
  AlwaysOffSampler,
  AlwaysOnSampler,
  BatchSpanProcessor,
  ConsoleSpanExporter,
  ParentBasedSampler,
  TraceIdRatioBasedSampler,
  TracerProvider,
  type Sampler,
  type SpanExporter,
} from '@opentelemetry/sdk-trace';
import { ATTR_SERVICE_NAME } from '@opentelemetry/semantic-conventions';
import type { Logger, Tracer } from '../../core/index.ts';
import type { TracingSettings } from './otel-env.ts';
import { OtelTracer } from './otel-tracer.ts';
import { ReportingExporter } from './reporting-exporter.ts';
import { SteeredIds } from './steered-ids.ts';

/** The instrumentation scope every span is reported under. */
const SCOPE = 'async-task-manager';

/** How long stopping waits for the last spans to go out (an unreachable collector must not hold a shutdown). */
const SHUTDOWN_GRACE_MS = 5_000;

export interface ProcessIdentity {
  /** app.name: the service name unless OTEL_SERVICE_NAME (or OTEL_RESOURCE_ATTRIBUTES) says otherwise. */
  serviceName: string;
  instanceId: string;
  roles: readonly string[];
  /** Where lost spans are reported. */
  logger: Logger;
}

export interface TracePipeline {
  tracer: Tracer;
  flush(): Promise<void>;
  shutdown(): Promise<void>;
}

/**
 * The SDK set up for this process: a provider of its own (never the global one, so several
 * apps in one process each keep theirs), a batch processor per exporter, and the resource
 * naming the process. No connection is opened until the first batch goes out.
 */
export function createTracePipeline(settings: TracingSettings, identity: ProcessIdentity): TracePipeline {
  // In a merge the argument wins: what the process knows of itself, then
  // OTEL_RESOURCE_ATTRIBUTES, then OTEL_SERVICE_NAME.
  const resource = resourceFromAttributes({
    [ATTR_SERVICE_NAME]: identity.serviceName,
    'service.instance.id': identity.instanceId,
    'taskmanager.roles': identity.roles.join(','),
  })
    .merge(detectResources({ detectors: [resourceAttributesEnvDetector] }))
    .merge(resourceFromAttributes(settings.serviceName ? { [ATTR_SERVICE_NAME]: settings.serviceName } : {}));
  const spanProcessors = settings.exporters.map(
    (name) =>
      new BatchSpanProcessor({
        exporter: new ReportingExporter(exporter(name, settings), name, identity.logger),
        ...settings.batch,
      }),
  );
  const ids = new SteeredIds();
  const provider = new TracerProvider({ resource, spanProcessors, idGenerator: ids, sampler: sampler(settings) });
  return {
    tracer: new OtelTracer(provider.getTracer(SCOPE), ids),
    flush: () => provider.forceFlush(),
    shutdown: () => withinMs(provider.shutdown(), SHUTDOWN_GRACE_MS),
  };
}

/** OTEL_TRACES_SAMPLER, which this SDK does not read by itself. */
function sampler({ sampler: { name, ratio } }: TracingSettings): Sampler {
  const root = name.endsWith('always_off')
    ? new AlwaysOffSampler()
    : name.endsWith('traceidratio')
      ? new TraceIdRatioBasedSampler(ratio)
      : new AlwaysOnSampler();
  return name.startsWith('parentbased_') ? new ParentBasedSampler({ root }) : root;
}

function exporter(name: TracingSettings['exporters'][number], settings: TracingSettings): SpanExporter {
  if (name === 'console') return new ConsoleSpanExporter();
  // Headers, compression and certificates come from OTEL_EXPORTER_OTLP_* as the exporter reads them.
  const config = {
    url: settings.url,
    ...(settings.exportTimeoutMs === undefined ? {} : { timeoutMillis: settings.exportTimeoutMs }),
  };
  return settings.protocol === 'http/json' ? new JsonTraceExporter(config) : new ProtobufTraceExporter(config);
}

/** Resolves when `work` settles or after `ms`, whichever is first; never rejects. */
function withinMs(work: Promise<unknown>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, ms);
    timer.unref();
  });
  return Promise.race([
    work.then(
      () => undefined,
      () => undefined,
    ),
    timeout,
  ]).finally(() => clearTimeout(timer));
}
