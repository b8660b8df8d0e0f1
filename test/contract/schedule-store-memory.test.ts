import { systemClock } from '../../core/index.ts';
import { MemoryStorage } from '../../plugins/storage-memory/memory-storage.ts';
import { MemoryScheduleStore } from '../../plugins/storage-memory/schedule-store.ts';
import { MemoryTaskTypeControls } from '../../plugins/storage-memory/task-type-controls.ts';
import { describeScheduleStoreContract } from './schedule-store-contract.ts';

describeScheduleStoreContract('memory', async () => {
  const storage = new MemoryStorage(systemClock);
  const controls = new MemoryTaskTypeControls((type) => storage.getTaskType(type));
  return { schedules: new MemoryScheduleStore(), controls, storage, cleanup: async () => {} };
});
