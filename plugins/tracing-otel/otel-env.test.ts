import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../core/index.ts';
import { readTracingSettings } from './otel-env.ts';

describe('the OTEL_* variables', () => {
  it('leave tracing off when none names an exporter or an endpoint', () => {
    expect(readTracingSettings({})).toBeUndefined();
    expect(readTracingSettings({ OTEL_SERVICE_NAME: 'x', OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' })).toBeUndefined();
  });

  it('turn it on with an endpoint: OTLP over HTTP, protobuf unless told otherwise, to <endpoint>/v1/traces', () => {
    expect(readTracingSettings({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318/' })).toEqual({
      exporters: ['otlp'],
      protocol: 'http/protobuf',
      url: 'http://collector:4318/v1/traces',
      serviceName: undefined,
      sampler: { name: 'parentbased_always_on', ratio: 1 },
      batch: {},
      exportTimeoutMs: undefined,
    });
    expect(
      readTracingSettings({
        OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318',
        OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
      })?.protocol,
    ).toBe('http/json');
  });

  it('use the traces endpoint and protocol as given, before the general ones', () => {
    const settings = readTracingSettings({
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://general:4318',
      OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'https://traces.example/custom/path',
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf',
      OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: 'http/json',
    });
    expect(settings).toMatchObject({ url: 'https://traces.example/custom/path', protocol: 'http/json' });
  });

  it('turn it on with OTEL_TRACES_EXPORTER alone (OTLP to the default local collector, or the console)', () => {
    expect(readTracingSettings({ OTEL_TRACES_EXPORTER: 'otlp' })).toMatchObject({
      exporters: ['otlp'],
      url: 'http://localhost:4318/v1/traces',
    });
    expect(readTracingSettings({ OTEL_TRACES_EXPORTER: 'console, otlp' })?.exporters).toEqual(['console', 'otlp']);
  });

  it('keep it off with OTEL_TRACES_EXPORTER=none or OTEL_SDK_DISABLED=true, whatever the endpoint', () => {
    expect(readTracingSettings({ OTEL_TRACES_EXPORTER: 'none', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318' })).toBe(
      undefined,
    );
    expect(readTracingSettings({ OTEL_SDK_DISABLED: 'true', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318' })).toBe(
      undefined,
    );
  });

  it('read the service name, the sampler and the batch settings', () => {
    expect(
      readTracingSettings({
        OTEL_TRACES_EXPORTER: 'console',
        OTEL_SERVICE_NAME: 'tm',
        OTEL_TRACES_SAMPLER: 'parentbased_traceidratio',
        OTEL_TRACES_SAMPLER_ARG: '0.25',
        OTEL_BSP_SCHEDULE_DELAY: '250',
        OTEL_BSP_MAX_QUEUE_SIZE: '4096',
      }),
    ).toMatchObject({
      serviceName: 'tm',
      sampler: { name: 'parentbased_traceidratio', ratio: 0.25 },
      batch: { scheduledDelayMillis: 250, maxQueueSize: 4096 },
    });
  });

  it.each([
    [{ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318', OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' }, /"grpc" is not supported/],
    [{ OTEL_TRACES_EXPORTER: 'zipkin' }, /unknown exporter "zipkin"/],
    [{ OTEL_EXPORTER_OTLP_ENDPOINT: 'collector:4318' }, /expected an http\(s\) URL/],
    [{ OTEL_TRACES_EXPORTER: 'console', OTEL_BSP_SCHEDULE_DELAY: 'soon' }, /OTEL_BSP_SCHEDULE_DELAY/],
    [{ OTEL_TRACES_EXPORTER: 'console', OTEL_TRACES_SAMPLER: 'sometimes' }, /unknown sampler "sometimes"/],
    [{ OTEL_TRACES_EXPORTER: 'console', OTEL_TRACES_SAMPLER: 'traceidratio', OTEL_TRACES_SAMPLER_ARG: '2' }, /ratio/],
  ])('fail at start on what cannot work: %o', (env, message) => {
    expect(() => readTracingSettings(env)).toThrow(ConfigError);
    expect(() => readTracingSettings(env)).toThrow(message);
  });
});
