import { z } from 'zod';
import { definePlugin, TOKENS, type Plugin } from '../../core/index.ts';
import { clusterSampler } from './cluster-sampler.ts';
import { MetricsServer } from './metrics-server.ts';
import { PrometheusMetrics } from './prometheus-metrics.ts';

const DEFAULT_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300];

const optionsSchema = z.object({
  /** A dedicated port serving GET /metrics besides the API's /metrics (0 = any free port). */
  port: z.coerce.number().int().min(0).max(65_535).optional(),
  host: z.string().default('0.0.0.0'),
  /** Node process metrics (CPU, memory, event loop lag, GC). */
  defaultMetrics: z.boolean().default(true),
  /** Prepended to every metric name, e.g. "taskmanager_". */
  prefix: z
    .string()
    .regex(/^([a-zA-Z_:][a-zA-Z0-9_:]*)?$/, 'a Prometheus metric name prefix')
    .default(''),
  durationBuckets: z.array(z.number().positive()).min(1).default(DEFAULT_BUCKETS),
});
export type PrometheusMetricsOptions = z.input<typeof optionsSchema>;
/** The `metrics` section's schema (what the config file and TM_METRICS_* are read against). */
export { optionsSchema as metricsOptionsSchema };

export interface PrometheusMetricsPlugin extends Plugin {
  /** The dedicated port actually listened on once started (useful with port 0), else undefined. */
  listeningPort(): number | undefined;
}

/**
 * Prometheus metrics: provides the `metrics` port, counts what the event bus reports, samples
 * the cluster's queues and workers on the leader, and serves /metrics.
 */
export function prometheusMetrics(options: PrometheusMetricsOptions = {}): PrometheusMetricsPlugin {
  let metrics: PrometheusMetrics | undefined;
  let server: MetricsServer | undefined;
  let boundPort: number | undefined;
  const cleanups: (() => void)[] = [];

  return definePlugin({
    name: 'metrics-prometheus',
    provides: ['metrics'],
    listeningPort: () => boundPort,
    setup(ctx) {
      const settings = ctx.section('metrics', optionsSchema, options);
      const registryMetrics = new PrometheusMetrics({
        ...settings,
        onCollectError: (error) =>
          ctx.logger.warn({ err: error }, 'sampling queue and worker metrics failed; the previous samples stay'),
      });
      metrics = registryMetrics;
      ctx.provide(TOKENS.Metrics, registryMetrics);
      ctx.registerRoute({
        method: 'GET',
        path: '/metrics',
        public: true,
        async handle() {
          const { body, contentType } = await registryMetrics.scrape();
          return new Response(body, { headers: { 'content-type': contentType } });
        },
      });
      if (settings.port !== undefined) server = new MetricsServer(registryMetrics);
    },
    async start(ctx) {
      if (metrics) {
        metrics.enableDefaultMetrics();
        cleanups.push(metrics.events.subscribe(ctx.events));
        cleanups.push(metrics.onCollect(clusterSampler(ctx, metrics.cluster)));
      }
      if (!server) return;
      const { port, host } = ctx.section('metrics', optionsSchema, options);
      boundPort = await server.listen(port ?? 0, host);
      ctx.logger.info({ port: boundPort }, 'metrics listening on /metrics');
    },
    async stop() {
      for (const cleanup of cleanups.splice(0)) cleanup();
      await server?.close();
      boundPort = undefined;
      metrics?.registry.clear();
    },
  });
}
