import { definePlugin, TOKENS, type Clock, type Plugin } from '../../core/index.ts';
import { MemoryStorage } from './memory-storage.ts';
import { MemoryScheduleStore } from './schedule-store.ts';
import { MemoryTaskTypeControls } from './task-type-controls.ts';

export interface MemoryStorageOptions {
  /** Clock for the timestamps storage sets itself (worker rows); defaults to the app's clock. */
  clock?: Clock;
}

/** Storage in process memory: nothing survives a restart. For tests, development and single-process use. */
export function memoryStorage(options: MemoryStorageOptions = {}): Plugin {
  return definePlugin({
    name: 'storage-memory',
    provides: ['storage'],
    setup(ctx) {
      const storage = new MemoryStorage(options.clock ?? ctx.clock);
      ctx.provide(TOKENS.Storage, storage);
      ctx.provide(TOKENS.ScheduleStore, new MemoryScheduleStore());
      ctx.provide(TOKENS.TaskTypeControls, new MemoryTaskTypeControls((type) => storage.getTaskType(type)));
    },
  });
}

export { MemoryStorage, MemoryScheduleStore, MemoryTaskTypeControls };
