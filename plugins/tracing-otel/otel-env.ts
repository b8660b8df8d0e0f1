import { ConfigError } from '../../core/index.ts';

/** OTLP over HTTP, in either body encoding (OTEL_EXPORTER_OTLP_PROTOCOL). */
export type OtlpProtocol = 'http/protobuf' | 'http/json';
export type TraceExporterName = 'otlp' | 'console';

/** What the environment asks for, once tracing is on. */
export interface TracingSettings {
  /** Where spans go: at least one. */
  exporters: TraceExporterName[];
  protocol: OtlpProtocol;
  /** The full URL spans are POSTed to (…/v1/traces). */
  url: string;
  /** OTEL_SERVICE_NAME, when set (the resource's env detector reads it too). */
  serviceName: string | undefined;
  /** OTEL_TRACES_SAMPLER and its argument (a ratio for the traceidratio samplers). */
  sampler: { name: SamplerName; ratio: number };
  /** OTEL_BSP_*: the batch span processor's settings, when set. */
  batch: BatchSettings;
  /** OTEL_EXPORTER_OTLP_(TRACES_)TIMEOUT: ms one export may take, retries included. */
  exportTimeoutMs: number | undefined;
}

export type SamplerName = (typeof SAMPLERS)[number];

export interface BatchSettings {
  scheduledDelayMillis?: number;
  exportTimeoutMillis?: number;
  maxQueueSize?: number;
  maxExportBatchSize?: number;
}

export type Env = Record<string, string | undefined>;

const DEFAULT_ENDPOINT = 'http://localhost:4318';
const EXPORTERS = new Set<string>(['otlp', 'console', 'none']);
const SAMPLERS = [
  'parentbased_always_on',
  'parentbased_always_off',
  'parentbased_traceidratio',
  'always_on',
  'always_off',
  'traceidratio',
] as const;
const BATCH_VARIABLES = {
  scheduledDelayMillis: 'OTEL_BSP_SCHEDULE_DELAY',
  exportTimeoutMillis: 'OTEL_BSP_EXPORT_TIMEOUT',
  maxQueueSize: 'OTEL_BSP_MAX_QUEUE_SIZE',
  maxExportBatchSize: 'OTEL_BSP_MAX_EXPORT_BATCH_SIZE',
} as const;

const value = (env: Env, name: string): string | undefined => {
  const text = env[name]?.trim();
  return text ? text : undefined;
};

/**
 * The standard OpenTelemetry variables, as the specification reads them
 * (docs/operations.md, "Tracing"): tracing is on once `OTEL_TRACES_EXPORTER` names an
 * exporter, or an OTLP endpoint is set; `OTEL_SDK_DISABLED=true` and
 * `OTEL_TRACES_EXPORTER=none` keep it off (undefined). Only OTLP over HTTP is built in: asking for gRPC
 * fails at start rather than losing every span in silence.
 */
export function readTracingSettings(env: Env): TracingSettings | undefined {
  if (value(env, 'OTEL_SDK_DISABLED')?.toLowerCase() === 'true') return undefined;
  const exporters = readExporters(env);
  if (exporters.length === 0) return undefined;
  const otlp = exporters.includes('otlp');
  return {
    exporters,
    protocol: otlp ? readProtocol(env) : 'http/protobuf',
    url: otlp ? tracesUrl(env) : '',
    serviceName: value(env, 'OTEL_SERVICE_NAME'),
    sampler: readSampler(env),
    batch: readBatch(env),
    exportTimeoutMs:
      readNumber(env, 'OTEL_EXPORTER_OTLP_TRACES_TIMEOUT') ?? readNumber(env, 'OTEL_EXPORTER_OTLP_TIMEOUT'),
  };
}

function readSampler(env: Env): TracingSettings['sampler'] {
  const name = (value(env, 'OTEL_TRACES_SAMPLER') ?? 'parentbased_always_on').toLowerCase();
  if (!(SAMPLERS as readonly string[]).includes(name))
    throw new ConfigError(`OTEL_TRACES_SAMPLER: unknown sampler "${name}"; expected one of ${SAMPLERS.join(', ')}`);
  const arg = value(env, 'OTEL_TRACES_SAMPLER_ARG');
  const ratio = arg === undefined || !name.endsWith('traceidratio') ? 1 : Number(arg);
  if (!Number.isFinite(ratio) || ratio < 0 || ratio > 1)
    throw new ConfigError(`OTEL_TRACES_SAMPLER_ARG: expected a ratio from 0 to 1, got "${arg}"`);
  return { name: name as SamplerName, ratio };
}

function readBatch(env: Env): BatchSettings {
  const batch: BatchSettings = {};
  for (const [key, name] of Object.entries(BATCH_VARIABLES) as [keyof BatchSettings, string][]) {
    const number = readNumber(env, name);
    if (number !== undefined) batch[key] = number;
  }
  return batch;
}

function readExporters(env: Env): TraceExporterName[] {
  const listed = value(env, 'OTEL_TRACES_EXPORTER');
  if (listed === undefined) {
    const endpoint = value(env, 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT') ?? value(env, 'OTEL_EXPORTER_OTLP_ENDPOINT');
    return endpoint === undefined ? [] : ['otlp'];
  }
  const names = listed
    .split(',')
    .map((name) => name.trim().toLowerCase())
    .filter(Boolean);
  for (const name of names) {
    if (!EXPORTERS.has(name))
      throw new ConfigError(`OTEL_TRACES_EXPORTER: unknown exporter "${name}"; expected otlp, console or none`);
  }
  if (names.includes('none')) return [];
  return [...new Set(names)] as TraceExporterName[];
}

function readProtocol(env: Env): OtlpProtocol {
  const protocol = value(env, 'OTEL_EXPORTER_OTLP_TRACES_PROTOCOL') ?? value(env, 'OTEL_EXPORTER_OTLP_PROTOCOL');
  if (protocol === undefined) return 'http/protobuf';
  if (protocol === 'http/protobuf' || protocol === 'http/json') return protocol;
  throw new ConfigError(
    `OTEL_EXPORTER_OTLP_PROTOCOL: "${protocol}" is not supported; use http/protobuf or http/json (OTLP over HTTP)`,
  );
}

/** The signal-specific endpoint is used as is; the general one gets `/v1/traces` appended. */
function tracesUrl(env: Env): string {
  const specific = value(env, 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT');
  const url =
    specific ?? `${(value(env, 'OTEL_EXPORTER_OTLP_ENDPOINT') ?? DEFAULT_ENDPOINT).replace(/\/+$/, '')}/v1/traces`;
  try {
    const parsed = new URL(url);
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new Error('not http(s)');
  } catch {
    const name = specific ? 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT' : 'OTEL_EXPORTER_OTLP_ENDPOINT';
    throw new ConfigError(`${name}: expected an http(s) URL, got "${url}"`);
  }
  return url;
}

function readNumber(env: Env, name: string): number | undefined {
  const text = value(env, name);
  if (text === undefined) return undefined;
  const number = Number(text);
  if (!Number.isInteger(number) || number < 1)
    throw new ConfigError(`${name}: expected a positive integer, got "${text}"`);
  return number;
}
