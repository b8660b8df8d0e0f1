import { describe, expect, it } from 'vitest';
import { TOKENS, type MetricsPort } from '../../core/index.ts';
import { prometheusMetrics, type PrometheusMetricsOptions } from './index.ts';
import { createFakePluginContext } from '../../test/helpers/fake-plugin-context.ts';

async function setUp(options: PrometheusMetricsOptions = {}, section: Record<string, unknown> = {}) {
  const ctx = createFakePluginContext({ metrics: section });
  const plugin = prometheusMetrics(options);
  await plugin.setup?.(ctx);
  const route = ctx.routes.find((r) => r.path === '/metrics');
  if (!route) throw new Error('no /metrics route registered');
  const scrape = async () => {
    const response = await route.handle(new Request('http://localhost/metrics'));
    return { status: response.status, contentType: response.headers.get('content-type'), text: await response.text() };
  };
  return { ctx, plugin, route, metrics: ctx.resolve<MetricsPort>(TOKENS.Metrics), scrape };
}

describe('metrics-prometheus', () => {
  it('provides the metrics port and a public GET /metrics route', async () => {
    const { plugin, route } = await setUp({ defaultMetrics: false });
    expect(plugin.name).toBe('metrics-prometheus');
    expect(plugin.provides).toEqual(['metrics']);
    expect(route).toMatchObject({ method: 'GET', path: '/metrics', public: true });
  });

  it('exposes every recorded sample on /metrics', async () => {
    const { metrics, scrape } = await setUp({ defaultMetrics: false });
    metrics.recordTaskCreated('send_email');
    metrics.recordTaskCreated('send_email', 4);
    metrics.recordTaskCompleted('send_email', 0.2, 'SUCCESS');
    metrics.recordTaskCompleted('send_email', 3, 'FAILED');
    metrics.recordTaskFailed('send_email', 'timeout');
    metrics.recordWorkerRegistered('w-1');
    metrics.recordWorkerLoad('w-1', 7);
    metrics.recordWorkerRegistered('w-2');
    metrics.recordWorkerLoad('w-2', 2);
    metrics.recordWorkerOffline('w-2');
    metrics.recordQueueLength('high', 12);
    metrics.recordSchedulerElection('node-a', true);

    const { status, contentType, text } = await scrape();
    expect(status).toBe(200);
    expect(contentType).toContain('text/plain');
    expect(text).toContain('task_created_total{task_type="send_email"} 5');
    expect(text).toContain('task_completed_total{task_type="send_email",status="SUCCESS"} 1');
    expect(text).toContain('task_duration_seconds_bucket{le="0.25",task_type="send_email",status="SUCCESS"} 1');
    expect(text).toContain('task_duration_seconds_count{task_type="send_email",status="FAILED"} 1');
    expect(text).toContain('task_failed_total{task_type="send_email",reason="timeout"} 1');
    expect(text).toContain('worker_load{worker_id="w-1"} 7');
    expect(text).not.toContain('worker_load{worker_id="w-2"}');
    expect(text).toContain('worker_online{worker_id="w-1"} 1');
    expect(text).toContain('worker_online{worker_id="w-2"} 0');
    expect(text).toContain('queue_length{queue="high"} 12');
    expect(text).toContain('scheduler_is_leader{scheduler_id="node-a"} 1');
    expect(text).not.toContain('process_cpu');
  });

  it('adds Node default metrics (from start) and the prefix when asked', async () => {
    const { ctx, plugin, metrics, scrape } = await setUp({ prefix: 'tm_' });
    metrics.recordTaskCreated('echo');
    expect((await scrape()).text).not.toContain('tm_process_cpu_user_seconds_total');
    await plugin.start?.(ctx);
    try {
      const { text } = await scrape();
      expect(text).toContain('tm_task_created_total{task_type="echo"} 1');
      expect(text).toContain('tm_process_cpu_user_seconds_total');
      expect(text).toContain('tm_nodejs_heap_size_total_bytes');
    } finally {
      await plugin.stop?.(ctx);
    }
  });

  it('keeps two instances apart', async () => {
    const first = await setUp();
    const second = await setUp();
    first.metrics.recordTaskCreated('echo', 3);
    second.metrics.recordTaskCreated('echo', 1);
    expect((await first.scrape()).text).toContain('task_created_total{task_type="echo"} 3');
    expect((await second.scrape()).text).toContain('task_created_total{task_type="echo"} 1');
  });

  it('reads its options from the metrics section', async () => {
    const { metrics, scrape } = await setUp({}, { prefix: 'sec_', defaultMetrics: false });
    metrics.recordQueueLength('normal', 1);
    const { text } = await scrape();
    expect(text).toContain('sec_queue_length{queue="normal"} 1');
    expect(text).not.toContain('process_cpu');
  });

  it('serves /metrics on a dedicated port while started and closes it on stop', async () => {
    const { ctx, plugin, metrics } = await setUp({ port: 0, host: '127.0.0.1', defaultMetrics: false });
    expect(plugin.listeningPort()).toBeUndefined();
    await plugin.start?.(ctx);
    const port = plugin.listeningPort();
    expect(port).toBeGreaterThan(0);
    try {
      metrics.recordSchedulerElection('node-b', false);
      const response = await fetch(`http://127.0.0.1:${port}/metrics`);
      expect(response.status).toBe(200);
      expect(await response.text()).toContain('scheduler_is_leader{scheduler_id="node-b"} 0');
      expect((await fetch(`http://127.0.0.1:${port}/other`)).status).toBe(404);
    } finally {
      await plugin.stop?.(ctx);
    }
    expect(plugin.listeningPort()).toBeUndefined();
    await expect(fetch(`http://127.0.0.1:${port}/metrics`)).rejects.toThrow();
  });

  it('listens on no port unless one is configured', async () => {
    const { ctx, plugin } = await setUp({ defaultMetrics: false });
    await plugin.start?.(ctx);
    expect(plugin.listeningPort()).toBeUndefined();
    await plugin.stop?.(ctx);
  });
});
