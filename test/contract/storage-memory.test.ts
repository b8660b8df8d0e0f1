import { systemClock } from '../../core/index.ts';
import { MemoryStorage } from '../../plugins/storage-memory/memory-storage.ts';
import { describeStorageContract } from './storage-contract.ts';

describeStorageContract('memory', async () => {
  const storage = new MemoryStorage(systemClock);
  return { storage, readWorkers: () => storage.listWorkers(), cleanup: async () => {} };
});
