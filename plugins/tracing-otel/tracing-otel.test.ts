/**
 * The plugin on the real OpenTelemetry SDK and a real OTLP/HTTP receiver, in one process on
 * the memory plugins: both body encodings, the span tree of a task, and off by default.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TOKENS, type TaskManager } from '../../core/index.ts';
import { silentLogger } from '../../test/helpers/fake-plugin-context.ts';
import { freePort } from '../../test/helpers/free-port.ts';
import { memoryApp, waitForStatus } from '../../test/helpers/memory-app.ts';
import { startOtlpReceiver, type OtlpReceiver } from '../../test/helpers/otlp-receiver.ts';
import { waitFor } from '../../test/helpers/wait.ts';
import { tracingOtel, type TracingOtelPlugin } from './index.ts';

let receiver: OtlpReceiver;
let app: TaskManager | undefined;

beforeEach(async () => {
  receiver = await startOtlpReceiver();
});

afterEach(async () => {
  await app?.stop();
  app = undefined;
  await receiver.close();
});

async function tracedApp(env: Record<string, string>, logLines: unknown[] = []): Promise<TracingOtelPlugin> {
  const plugin = tracingOtel({ env });
  app = await memoryApp({
    logger: silentLogger(logLines),
    handlers: {
      echo: (payload) => payload,
      boom: () => {
        throw new Error('it went boom');
      },
    },
    taskTypes: [{ taskType: 'boom', defaultMaxRetry: 0 }],
    config: { app: { name: 'tracing-unit' }, plugins: [plugin] },
  });
  await app.start();
  return plugin;
}

/** Runs one task to its end and sends its spans; returns them by name. */
async function traceOne(plugin: TracingOtelPlugin, taskType: string, traceParent?: string) {
  const { task } = await app!.services.tasks.create({
    taskType,
    payload: {},
    ...(traceParent ? { traceParent } : {}),
  });
  await waitForStatus(app!, task.taskId, ['SUCCESS', 'FAILED']);
  return waitFor(
    async () => {
      await plugin.flush();
      const mine = receiver.spans.filter((s) => s.attributes['task.id'] === task.taskId);
      const byName = Object.fromEntries(mine.map((s) => [s.name, s]));
      return byName['task.create'] && byName['task.dispatch'] && byName['task.execute'] ? byName : undefined;
    },
    { timeoutMs: 5_000, message: `the spans of ${task.taskId}` },
  );
}

describe('tracing-otel', () => {
  it('exports over OTLP/HTTP protobuf by default: three spans, one trace, parent to child', async () => {
    const plugin = await tracedApp({ OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint });
    expect(plugin.enabled()).toBe(true);
    const spans = await traceOne(plugin, 'echo');
    const create = spans['task.create']!;
    const dispatch = spans['task.dispatch']!;
    const execute = spans['task.execute']!;
    expect(dispatch).toMatchObject({ traceId: create.traceId, parentSpanId: create.spanId });
    expect(execute).toMatchObject({ traceId: create.traceId, parentSpanId: dispatch.spanId });
    expect(create.resource).toMatchObject({ 'service.name': 'tracing-unit' });
    expect(receiver.contentTypes.length).toBeGreaterThan(0);
    expect(receiver.contentTypes.every((type) => type.startsWith('application/x-protobuf'))).toBe(true);
  });

  it('exports JSON with OTEL_EXPORTER_OTLP_PROTOCOL=http/json, the incoming traceparent as the root parent', async () => {
    const plugin = await tracedApp({
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint,
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
      OTEL_SERVICE_NAME: 'from-env',
    });
    const spans = await traceOne(plugin, 'echo', '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01');
    expect(spans['task.create']).toMatchObject({
      traceId: '0af7651916cd43dd8448eb211c80319c',
      parentSpanId: 'b7ad6b7169203331',
    });
    expect(spans['task.execute']?.traceId).toBe('0af7651916cd43dd8448eb211c80319c');
    expect(spans['task.create']?.resource['service.name']).toBe('from-env');
    expect(receiver.contentTypes.every((type) => type.startsWith('application/json'))).toBe(true);
  });

  it("records the executor's error on task.execute: an exception event and status ERROR", async () => {
    const plugin = await tracedApp({ OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint });
    const execute = (await traceOne(plugin, 'boom'))['task.execute']!;
    expect(execute.status).toEqual({ code: 2, message: 'it went boom' });
    expect(execute.events.map((e) => [e.name, e.attributes['exception.message']])).toEqual([
      ['exception', 'it went boom'],
    ]);
  });

  it('an unsampled incoming trace is honoured: its spans are not exported', async () => {
    const plugin = await tracedApp({ OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint });
    const { task } = await app!.services.tasks.create({
      taskType: 'echo',
      payload: {},
      traceParent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-00',
    });
    await waitForStatus(app!, task.taskId, ['SUCCESS']);
    // A sampled task afterwards: once its spans are in, the unsampled one's would be too.
    await traceOne(plugin, 'echo');
    expect(receiver.spans.filter((s) => s.attributes['task.id'] === task.taskId)).toEqual([]);
  });

  it('a collector that does not answer loses spans with a warning, never a task, and does not hold the stop', async () => {
    const logLines: unknown[] = [];
    const plugin = await tracedApp(
      { OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${await freePort()}`, OTEL_EXPORTER_OTLP_TIMEOUT: '300' },
      logLines,
    );
    const { task } = await app!.services.tasks.create({ taskType: 'echo', payload: { n: 1 } });
    expect((await waitForStatus(app!, task.taskId, ['SUCCESS'])).result).toEqual({ n: 1 });
    await plugin.flush();
    expect(logLines).toContainEqual([
      expect.objectContaining({ exporter: 'otlp', spansLost: expect.any(Number) }),
      'exporting spans failed; they are dropped (tasks are not affected)',
    ]);
    const stopping = Date.now();
    await app!.stop();
    app = undefined;
    expect(Date.now() - stopping).toBeLessThan(6_000);
  });

  it('is off, with the no-op tracer and no trace parent written, when no OTEL variable asks for it', async () => {
    const plugin = await tracedApp({});
    expect(plugin.enabled()).toBe(false);
    expect(app!.resolve(TOKENS.Tracer).enabled).toBe(false);
    const { task } = await app!.services.tasks.create({ taskType: 'echo', payload: {} });
    expect((await waitForStatus(app!, task.taskId, ['SUCCESS'])).traceParent).toBeNull();
  });
});
