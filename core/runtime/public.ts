// The services and runtime entry points, re-exported by core/index.ts.
export { TaskService, type CreateTaskInput, type CreatedTask } from '../services/tasks/task-service.ts';
export { DEFAULT_BULK_LIMIT, MAX_BULK_LIMIT, type BulkFilter } from '../services/tasks/bulk-actions.ts';
export {
  ClusterService,
  type SchedulerStatus,
  type WorkerView,
  type ReadinessReport,
  type LocalNodeView,
} from '../services/cluster-service.ts';
export type { CoreServices } from './plugin.ts';
export { createTaskManager, defineConfig, migratePlugins, type TaskManager, type CreateOptions } from './app.ts';
export { ConfigError, resolveConfig } from './resolve-config.ts';
export type { ConfigReloadReport } from './config-reload.ts';
export { Scheduler } from '../services/scheduler/scheduler.ts';
export { Worker } from '../services/worker/worker.ts';
export { ExecutorRegistry } from '../services/executor-registry.ts';
export { LoadBalancerRegistry } from '../services/load-balancer-registry.ts';
export { planFailure } from '../services/retry-policy.ts';
export {
  loadConfig,
  SEARCH_PLACES,
  type LoadConfigOptions,
  type LoadedConfig,
  type PluginReference,
  type PluginResolver,
} from './config-loader.ts';
export { ApiKeyCheck, type ApiKeyIdentity } from '../services/api-keys.ts';
export { creationLogs } from '../services/log-entries.ts';
export { assertBatchSize } from '../services/tasks/batch-size.ts';
export {
  listNumberedPage,
  DEFAULT_PAGE_SIZE,
  MAX_PAGE_OFFSET,
  type NumberedPage,
  type NumberedPageRequest,
} from '../services/tasks/numbered-pages.ts';
export {
  apiAccessSchema,
  API_ACCESS_SECTION,
  API_SCOPES,
  type ApiAccess,
  type ApiAccessOptions,
  type ApiKeySpec,
  type ApiScope,
} from '../config/api-access.ts';
export { createLogger, type LoggerOptions } from './logger.ts';
