import { describe, expect, it } from 'vitest';
import type { Task, TaskCache } from '../index.ts';
import { TaskStateWriter } from './task-state.ts';
import { MemoryStorage } from '../../plugins/storage-memory/index.ts';
import { FakeClock } from '../../test/helpers/fake-clock.ts';

function recordingCache() {
  const entries = new Map<string, Task>();
  const cache: TaskCache = {
    get: async (id) => entries.get(id),
    set: async (task) => void entries.set(task.taskId, task),
    drop: async (ids) => ids.forEach((id) => entries.delete(id)),
  };
  return { cache, entries };
}

describe('task state writer and the read cache', () => {
  it('caches only tasks whose status can never change, so no transition needs an invalidation', async () => {
    const clock = new FakeClock();
    const storage = new MemoryStorage(clock);
    const { cache, entries } = recordingCache();
    const state = new TaskStateWriter(storage, cache);
    const now = clock.now();
    await storage.createTasks([
      {
        taskId: 't1',
        taskType: 'x',
        priority: 0,
        payload: {},
        maxRetry: 0,
        timeout: 10,
        scheduledAt: now,
        createdAt: now,
      },
    ]);

    expect((await state.read('t1'))?.status).toBe('PENDING');
    expect(entries.has('t1')).toBe(false);
    await state.transition([
      { taskId: 't1', from: 'PENDING', to: 'PROCESSING', patch: { workerId: 'w' }, logs: [], at: now },
    ]);
    expect((await state.read('t1'))?.status).toBe('PROCESSING');
    expect(entries.has('t1')).toBe(false);
    await state.transition([
      { taskId: 't1', from: 'PROCESSING', to: 'SUCCESS', patch: { result: 1 }, logs: [], at: now },
    ]);
    expect((await state.read('t1'))?.status).toBe('SUCCESS');
    expect(entries.get('t1')?.status).toBe('SUCCESS');
    // Every edge out of a cached status is refused before storage is touched.
    await expect(
      state.transition([{ taskId: 't1', from: 'SUCCESS', to: 'PENDING', patch: {}, logs: [], at: now }]),
    ).rejects.toMatchObject({ code: 40901 });
  });
});
