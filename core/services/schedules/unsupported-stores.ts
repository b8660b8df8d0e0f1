import { ErrorCode, TaskManagerError } from '../../domain/errors.ts';
import type { ScheduleStore } from '../../ports/schedule-store.ts';
import type { TaskTypeControlStore } from '../../ports/task-type-controls.ts';

const unsupported = (what: string) => () =>
  Promise.reject(
    new TaskManagerError(ErrorCode.DEPENDENCY_UNAVAILABLE, `the storage plugin in use does not support ${what}`),
  );

/** For a storage plugin that provides no ScheduleStore: nothing is ever due; writes answer 50301. */
export const noScheduleStore: ScheduleStore = {
  insertSchedule: unsupported('schedules'),
  getSchedule: async () => undefined,
  listSchedules: async () => ({ items: [] }),
  deleteSchedule: async () => false,
  setScheduleEnabled: async () => false,
  findDueSchedules: async () => [],
  findNextRunAt: async () => null,
  advanceSchedule: async () => false,
};

/** For a storage plugin that provides no TaskTypeControlStore: nothing is paused or limited; setting answers 50301. */
export const noTaskTypeControls: TaskTypeControlStore = {
  listTaskTypeControls: async () => [],
  setTaskTypePaused: unsupported('pausing task types'),
  setTaskTypeRateLimit: unsupported('rate limits on task types'),
};
