// The services and runtime entry points, re-exported by core/index.ts.
export { TaskService, type CreateTaskInput, type CreatedTask } from '../services/task-service.ts';
export { ClusterService, type SchedulerStatus, type WorkerView, type ReadinessReport } from '../services/cluster-service.ts';
export type { CoreServices } from './plugin.ts';
