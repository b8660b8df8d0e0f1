/**
 * Every built-in executor wired to its server, on the embedded storage and queue:
 *
 *   greet                   executor-grpc      a unary call to greeter.Greeter/SayHello (greeter-server.ts)
 *   execute_sql             executor-sql       named statements on the `signups` table
 *   batch_insert            executor-sql       rows into signups(email)
 *   publish_event           executor-nats      {topic, message} on NATS (core; JetStream per type)
 *   publish_event_rabbitmq  executor-rabbitmq  {topic, message} on RabbitMQ's amq.topic
 *   fibonacci               executor-process   a CPU-bound handler module in a worker thread
 *
 * Servers from the environment: GREETER_ADDRESS, TM_SQL_URL, TM_NATS_SERVERS, TM_RABBITMQ_URL
 * (defaults: the local servers). See README.md beside this file.
 */
import { fileURLToPath } from 'node:url';
import { defineConfig } from '../../core/index.ts';
import { grpcExecutor } from '../../plugins/executor-grpc/index.ts';
import { natsExecutor } from '../../plugins/executor-nats/index.ts';
import { processExecutor } from '../../plugins/executor-process/index.ts';
import { rabbitmqExecutor } from '../../plugins/executor-rabbitmq/index.ts';
import { sqlExecutor } from '../../plugins/executor-sql/index.ts';
import { httpApi } from '../../plugins/http-api/index.ts';
import { loadBalancers } from '../../plugins/load-balancers/index.ts';
import { memoryQueue } from '../../plugins/queue-memory/index.ts';
import { memoryStorage } from '../../plugins/storage-memory/index.ts';

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

export default defineConfig({
  app: { name: 'async-task-manager', port: 8080 },
  taskTypes: [
    {
      taskType: 'greet',
      executorType: 'grpc',
      executorConfig: {
        address: process.env.GREETER_ADDRESS ?? '127.0.0.1:50051',
        service: 'greeter.Greeter',
        method: 'SayHello',
        proto: here('./greeter.proto'),
      },
      defaultTimeout: 10,
    },
    {
      taskType: 'execute_sql',
      executorType: 'sql',
      executorConfig: {
        statements: {
          record_signup: 'INSERT INTO signups (email) VALUES (:email)',
          count_signups: 'SELECT COUNT(*) AS signups FROM signups',
        },
      },
      defaultTimeout: 30,
    },
    {
      taskType: 'batch_insert',
      executorType: 'sql',
      executorConfig: { table: 'signups', columns: ['email'], maxRows: 5000 },
      defaultTimeout: 60,
    },
    { taskType: 'publish_event', executorType: 'nats', defaultTimeout: 10, defaultMaxRetry: 5 },
    { taskType: 'publish_event_rabbitmq', executorType: 'rabbitmq', defaultTimeout: 10, defaultMaxRetry: 5 },
    {
      taskType: 'fibonacci',
      executorType: 'process',
      executorConfig: { module: here('./handlers/fibonacci.ts') },
      defaultTimeout: 20,
      defaultMaxRetry: 0,
    },
  ],
  sql: { url: 'postgres://root@127.0.0.1:5432/test' },
  nats: { servers: 'nats://127.0.0.1:4222' },
  rabbitmq: { url: 'amqp://guest:guest@127.0.0.1:5672' },
  plugins: [
    memoryStorage(),
    memoryQueue(),
    loadBalancers(),
    httpApi(),
    grpcExecutor(),
    sqlExecutor(),
    natsExecutor(),
    rabbitmqExecutor(),
    processExecutor({ poolSize: 2 }),
  ],
});
