import { afterEach, beforeEach, describe } from 'vitest';
import type { StoragePort, WorkerInfo } from '../../core/index.ts';
import { describeConfigAndWorkerContract } from './storage/config-and-workers.contract.ts';
import { describeCreateContract } from './storage/create.contract.ts';
import { describeDependencyContract } from './storage/dependencies.contract.ts';
import { describeListContract } from './storage/list.contract.ts';
import { describeProgressContract } from './storage/progress.contract.ts';
import { describeQueryContract } from './storage/queries.contract.ts';
import { describeTransitionContract } from './storage/transition.contract.ts';
import type { CurrentStorage } from './storage/fixtures.ts';

export interface StorageUnderTest {
  storage: StoragePort;
  /** The durable worker records as the backend holds them: the port writes them, nothing in it reads them. */
  readWorkers(): Promise<WorkerInfo[]>;
  cleanup(): Promise<void>;
}

/**
 * The storage port's contract: every storage plugin runs this suite against its real backend.
 *
 * `makeStorage` is called before EACH test and must return an EMPTY storage (a fresh
 * instance, or truncated tables); `cleanup` runs after each test. Times used are whole
 * milliseconds, task ids are fixed-width lowercase ASCII.
 */
export function describeStorageContract(name: string, makeStorage: () => Promise<StorageUnderTest>): void {
  describe(`storage contract: ${name}`, () => {
    let current: StorageUnderTest | undefined;

    beforeEach(async () => {
      current = await makeStorage();
    });

    afterEach(async () => {
      await current?.cleanup();
      current = undefined;
    });

    const storage: CurrentStorage = () => {
      if (!current) throw new Error('storage contract: no storage for this test');
      return current.storage;
    };
    const readWorkers = () => {
      if (!current) throw new Error('storage contract: no storage for this test');
      return current.readWorkers();
    };

    describeCreateContract(storage);
    describeListContract(storage);
    describeTransitionContract(storage);
    describeProgressContract(storage);
    describeQueryContract(storage);
    describeConfigAndWorkerContract(storage, readWorkers);
    describeDependencyContract(storage);
  });
}
