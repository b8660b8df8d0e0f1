/**
 * The embedded default: one process, no servers. Memory storage and queue, the HTTP API on
 * 8080 (TM_PORT), the gRPC API on 9090 (TM_GRPC_PORT; 0 = off), Prometheus metrics on
 * /metrics, the web dashboard on /ui, the demo task types, webhook alerts once
 * TM_ALERT_WEBHOOK_URL is set, and OpenTelemetry tracing once OTEL_EXPORTER_OTLP_ENDPOINT is.
 * For Redis + MySQL see examples/distributed/taskmanager.config.ts.
 */
import { defineConfig } from './core/index.ts';
import { alertWebhook } from './plugins/alert-webhook/index.ts';
import { dashboard } from './plugins/dashboard/index.ts';
import { demoExecutors } from './plugins/executor-demo/index.ts';
import { emailExecutor } from './plugins/executor-email/index.ts';
import { grpcApi } from './plugins/grpc-api/index.ts';
import { httpExecutor } from './plugins/executor-http/index.ts';
import { httpApi } from './plugins/http-api/index.ts';
import { loadBalancers } from './plugins/load-balancers/index.ts';
import { prometheusMetrics } from './plugins/metrics-prometheus/index.ts';
import { memoryQueue } from './plugins/queue-memory/index.ts';
import { memoryStorage } from './plugins/storage-memory/index.ts';
import { tracingOtel } from './plugins/tracing-otel/index.ts';

export default defineConfig({
  app: { name: 'async-task-manager', port: 8080 },
  // Memory storage keeps every task in RAM: finished ones go after an hour (a day when they
  // failed), not the week a database keeps by default, so a long-running process stays flat.
  retention: { completed: '1h', failed: '24h', cancelled: '1h' },
  taskTypes: [
    {
      taskType: 'send_email',
      taskName: 'Send an email',
      executorType: 'email',
      defaultTimeout: 60,
      retryStrategy: 'EXPONENTIAL',
      retryDelay: 10,
      backoffRate: 2,
    },
    { taskType: 'echo', taskName: 'Echo the payload', executorType: 'demo', maxConcurrent: 0 },
    { taskType: 'sleep', taskName: 'Sleep payload.ms milliseconds', executorType: 'demo', maxConcurrent: 0 },
    { taskType: 'fail', taskName: 'Fail with payload.message', executorType: 'demo', retryDelay: 1 },
    { taskType: 'http_request', taskName: 'POST the payload to a URL', executorType: 'http', defaultTimeout: 30 },
  ],
  plugins: [
    memoryStorage(),
    memoryQueue(),
    loadBalancers(),
    demoExecutors(),
    emailExecutor(),
    httpExecutor({ taskTypes: ['http_request'] }),
    prometheusMetrics(),
    // Off until OTEL_EXPORTER_OTLP_ENDPOINT (or OTEL_TRACES_EXPORTER) is set.
    tracingOtel(),
    // Off until TM_ALERT_WEBHOOK_URL (alert.webhookUrl) is set.
    alertWebhook(),
    httpApi(),
    // The web dashboard at /ui, served where the api role runs.
    dashboard(),
    grpcApi(),
  ],
});
