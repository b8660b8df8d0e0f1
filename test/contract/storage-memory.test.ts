import { systemClock } from '../../core/index.ts';
import { MemoryStorage } from '../../plugins/storage-memory/memory-storage.ts';
import { describeStorageContract } from './storage-contract.ts';

describeStorageContract('memory', async () => ({
  storage: new MemoryStorage(systemClock),
  cleanup: async () => {},
}));
