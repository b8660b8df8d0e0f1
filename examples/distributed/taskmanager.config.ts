/**
 * A distributed deployment: MySQL (or MariaDB) keeps the tasks, Redis carries the queues,
 * the leader lock, the worker registry and cross-process events. Every process loads this
 * same file; the environment decides what each one is:
 *
 *   TM_ROLES      api,scheduler,worker (any subset; all by default)
 *   TM_NODE_ID    part of the scheduler and worker ids (host name by default)
 *   TM_PORT       the HTTP API port (8080 by default)
 *   TM_GRPC_PORT  the gRPC API port (9090 by default; 0 = off)
 *   TM_APP_HOST   the address it listens on (127.0.0.1 by default; 0.0.0.0 to serve other
 *                 hosts, with TM_HTTP_API_KEYS set)
 *   TM_MYSQL_URL  mysql://user:password@host:3306/database
 *   TM_REDIS_URL  redis://host:6379
 *   TM_REDIS_PREFIX  key prefix, to share one Redis between clusters
 *   TM_ALERT_WEBHOOK_URL  where alerts are POSTed (off when unset)
 *   OTEL_EXPORTER_OTLP_ENDPOINT  where OpenTelemetry traces go, over OTLP/HTTP (off when unset;
 *                 the other standard OTEL_* variables apply too)
 *
 * and any other key as TM_<SECTION>_<KEY> (TM_WORKER_CAPACITY=20). Run
 * `taskmanager migrate --config examples/distributed/taskmanager.config.ts` once first.
 */
import { defineConfig } from '../../core/index.ts';
import { alertWebhook } from '../../plugins/alert-webhook/index.ts';
import { dashboard } from '../../plugins/dashboard/index.ts';
import { demoExecutors } from '../../plugins/executor-demo/index.ts';
import { emailExecutor } from '../../plugins/executor-email/index.ts';
import { grpcApi } from '../../plugins/grpc-api/index.ts';
import { httpApi } from '../../plugins/http-api/index.ts';
import { loadBalancers } from '../../plugins/load-balancers/index.ts';
import { prometheusMetrics } from '../../plugins/metrics-prometheus/index.ts';
import { redisQueue } from '../../plugins/queue-redis/index.ts';
import { mysqlStorage } from '../../plugins/storage-mysql/index.ts';
import { tracingOtel } from '../../plugins/tracing-otel/index.ts';

export default defineConfig({
  app: { name: 'async-task-manager', port: 8080 },
  mysql: { url: 'mysql://root@127.0.0.1:3306/task_manager', poolSize: 20 },
  redis: { url: 'redis://127.0.0.1:6379', prefix: '' },
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
  ],
  plugins: [
    mysqlStorage(),
    redisQueue(),
    loadBalancers(),
    demoExecutors(),
    emailExecutor(),
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
