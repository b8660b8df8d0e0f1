/** The product surface the bench uses, in one place. */
export { createTaskManager, Worker, type CreateTaskInput, type Role, type TaskManager } from '../../core/index.ts';
export type { LocalHandler as LocalHandlerLike } from '../../plugins/executor-local/index.ts';
export { TOKENS } from '../../core/index.ts';
