import type { RateLimit } from '../domain/task-type.ts';

/** The operator's switches on one task type. */
export interface TaskTypeControls {
  readonly taskType: string;
  readonly paused: boolean;
  readonly rateLimit: RateLimit | null;
}

/**
 * Switches on task types kept apart from their definition rows' ordinary upsert: `paused`
 * survives restarts and config syncs (the config file rewrites definitions at every start).
 * Provided by the storage plugin under TOKENS.TaskTypeControls (columns of task_config on
 * MySQL); test/contract/schedule-store-contract.ts covers it with the schedules.
 */
export interface TaskTypeControlStore {
  /** The types with a switch set (paused, or a rate limit); the others have neither. */
  listTaskTypeControls(): Promise<TaskTypeControls[]>;
  /** false when the task type does not exist. */
  setTaskTypePaused(taskType: string, paused: boolean, at: Date): Promise<boolean>;
  /** null removes the limit; false when the task type does not exist. */
  setTaskTypeRateLimit(taskType: string, rateLimit: RateLimit | null, at: Date): Promise<boolean>;
}
