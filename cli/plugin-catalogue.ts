import { ConfigError, type Plugin, type PluginReference } from '../core/index.ts';

type Factory = (options: Record<string, unknown>) => Plugin;

/**
 * The built-in plugins, by the names JSON/YAML configs use. Imported lazily so a deployment
 * loads only what it names. Any other name is imported as an npm package whose default
 * export is a plugin factory.
 */
const CATALOGUE: Record<string, () => Promise<Factory>> = {
  'storage-memory': async () => (await import('../plugins/storage-memory/index.ts')).memoryStorage as Factory,
  'storage-mysql': async () => (await import('../plugins/storage-mysql/index.ts')).mysqlStorage as Factory,
  'storage-postgres': async () => (await import('../plugins/storage-postgres/index.ts')).postgresStorage as Factory,
  'queue-memory': async () => (await import('../plugins/queue-memory/index.ts')).memoryQueue as Factory,
  'queue-redis': async () => (await import('../plugins/queue-redis/index.ts')).redisQueue as Factory,
  'load-balancers': async () => (await import('../plugins/load-balancers/index.ts')).loadBalancers as Factory,
  'http-api': async () => (await import('../plugins/http-api/index.ts')).httpApi as Factory,
  'grpc-api': async () => (await import('../plugins/grpc-api/index.ts')).grpcApi as Factory,
  'metrics-prometheus': async () =>
    (await import('../plugins/metrics-prometheus/index.ts')).prometheusMetrics as Factory,
  'executor-demo': async () => (await import('../plugins/executor-demo/index.ts')).demoExecutors as Factory,
  'executor-email': async () => (await import('../plugins/executor-email/index.ts')).emailExecutor as Factory,
  'executor-http': async () => (await import('../plugins/executor-http/index.ts')).httpExecutor as Factory,
  'executor-grpc': async () => (await import('../plugins/executor-grpc/index.ts')).grpcExecutor as Factory,
  'executor-sql': async () => (await import('../plugins/executor-sql/index.ts')).sqlExecutor as Factory,
  'executor-nats': async () => (await import('../plugins/executor-nats/index.ts')).natsExecutor as Factory,
  'executor-rabbitmq': async () => (await import('../plugins/executor-rabbitmq/index.ts')).rabbitmqExecutor as Factory,
  'executor-process': async () => (await import('../plugins/executor-process/index.ts')).processExecutor as Factory,
  'alert-webhook': async () => (await import('../plugins/alert-webhook/index.ts')).alertWebhook as Factory,
  dashboard: async () => (await import('../plugins/dashboard/index.ts')).dashboard as Factory,
  'tracing-otel': async () => (await import('../plugins/tracing-otel/index.ts')).tracingOtel as Factory,
};

export const BUILT_IN_PLUGINS = Object.keys(CATALOGUE);

export async function resolveBuiltInPlugin(reference: PluginReference): Promise<Plugin> {
  const load = CATALOGUE[reference.name];
  if (load) return (await load())(reference.options ?? {});
  try {
    const module = (await import(reference.name)) as { default?: unknown };
    if (typeof module.default !== 'function') throw new Error('its default export is not a plugin factory');
    return (module.default as Factory)(reference.options ?? {});
  } catch (error) {
    throw new ConfigError(
      `unknown plugin "${reference.name}": not built in (${BUILT_IN_PLUGINS.join(', ')}) and not an importable package (${(error as Error).message})`,
    );
  }
}
