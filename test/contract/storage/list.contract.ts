import { describe, expect, it } from 'vitest';
import { ErrorCode, type Task, type TaskFilter } from '../../../core/index.ts';
import { assignAll, at, complete, ids, newestFirst, newTask, seed, type CurrentStorage } from './fixtures.ts';

/** Walks every page; fails on a page over the limit or a runaway cursor. */
async function walkAllPages(storage: CurrentStorage, filter: TaskFilter, limit: number): Promise<{ pages: Task[][] }> {
  const pages: Task[][] = [];
  let cursor: string | undefined;
  for (let guard = 0; guard < 100; guard++) {
    const page = await storage().listTasks(filter, cursor === undefined ? { limit } : { limit, cursor });
    expect(page.items.length).toBeLessThanOrEqual(limit);
    pages.push(page.items);
    if (page.nextCursor === undefined) return { pages };
    // A cursor promises more may follow, so a page that hands one out is full.
    expect(page.items).toHaveLength(limit);
    cursor = page.nextCursor;
  }
  throw new Error('pagination did not end');
}

export function describeListContract(storage: CurrentStorage): void {
  describe('listTasks', () => {
    /**
     * Eight tasks over two types, both priorities, three statuses and two workers,
     * created one second apart.
     */
    async function seedMix() {
      const t = await seed(storage(), [
        newTask({ taskType: 'mix.a', priority: 0, createdAt: at(0) }),
        newTask({ taskType: 'mix.a', priority: 1, createdAt: at(1_000) }),
        newTask({ taskType: 'mix.b', priority: 0, createdAt: at(2_000) }),
        newTask({ taskType: 'mix.b', priority: 1, createdAt: at(3_000) }),
        newTask({ taskType: 'mix.a', priority: 0, createdAt: at(4_000) }),
        newTask({ taskType: 'mix.b', priority: 0, createdAt: at(5_000) }),
        newTask({ taskType: 'mix.a', priority: 1, createdAt: at(6_000) }),
        newTask({ taskType: 'mix.b', priority: 1, createdAt: at(7_000) }),
      ]);
      const id = (i: number) => t[i]!.taskId;
      await assignAll(storage(), [id(1), id(2), id(5)], 'worker-1', at(10_000));
      await assignAll(storage(), [id(3), id(6)], 'worker-2', at(10_000));
      await storage().transition([complete(id(1), 'worker-1', at(11_000)), complete(id(6), 'worker-2', at(11_000))]);
      // Now: PENDING 0,4,7; PROCESSING 2,5 (worker-1), 3 (worker-2); SUCCESS 1 (worker-1), 6 (worker-2).
      return { t, id };
    }

    async function listIds(filter: TaskFilter): Promise<string[]> {
      const page = await storage().listTasks(filter, { limit: 100 });
      expect(page.nextCursor).toBeUndefined();
      return ids(page.items);
    }

    it('lists newest first with no filter', async () => {
      const { t } = await seedMix();
      expect(await listIds({})).toEqual(ids(newestFirst(t)));
    });

    it('filters by one status and by several', async () => {
      const { id } = await seedMix();
      expect(await listIds({ status: ['PENDING'] })).toEqual([id(7), id(4), id(0)]);
      expect(await listIds({ status: ['PROCESSING', 'SUCCESS'] })).toEqual([id(6), id(5), id(3), id(2), id(1)]);
      expect(await listIds({ status: ['CANCELLED'] })).toEqual([]);
    });

    it('filters by task type, priority and worker', async () => {
      const { id } = await seedMix();
      expect(await listIds({ taskType: 'mix.a' })).toEqual([id(6), id(4), id(1), id(0)]);
      expect(await listIds({ priority: 1 })).toEqual([id(7), id(6), id(3), id(1)]);
      expect(await listIds({ priority: 0 })).toEqual([id(5), id(4), id(2), id(0)]);
      expect(await listIds({ workerId: 'worker-1' })).toEqual([id(5), id(2), id(1)]);
      expect(await listIds({ taskType: 'nope' })).toEqual([]);
    });

    it('filters by creation time: createdFrom inclusive, createdTo exclusive', async () => {
      const { id } = await seedMix();
      expect(await listIds({ createdFrom: at(2_000) })).toEqual([id(7), id(6), id(5), id(4), id(3), id(2)]);
      expect(await listIds({ createdTo: at(2_000) })).toEqual([id(1), id(0)]);
      expect(await listIds({ createdFrom: at(2_000), createdTo: at(5_000) })).toEqual([id(4), id(3), id(2)]);
      expect(await listIds({ createdFrom: at(2_001), createdTo: at(2_999) })).toEqual([]);
    });

    it('combines filters', async () => {
      const { id } = await seedMix();
      expect(await listIds({ taskType: 'mix.b', status: ['PROCESSING'], workerId: 'worker-1' })).toEqual([
        id(5),
        id(2),
      ]);
      expect(await listIds({ taskType: 'mix.a', priority: 1, createdFrom: at(1_000), createdTo: at(6_000) })).toEqual([
        id(1),
      ]);
    });

    it('counts what the same filters list', async () => {
      await seedMix();
      const filters: TaskFilter[] = [
        {},
        { status: ['PENDING'] },
        { status: ['PROCESSING', 'SUCCESS'] },
        { taskType: 'mix.b', priority: 1 },
        { workerId: 'worker-1' },
        { createdFrom: at(2_000), createdTo: at(5_000) },
        { taskType: 'mix.b', status: ['PROCESSING'], workerId: 'worker-1' },
        { taskType: 'nope' },
      ];
      const counts = await Promise.all(filters.map((filter) => storage().countTasks(filter)));
      const listed = await Promise.all(filters.map(async (filter) => (await listIds(filter)).length));
      expect(counts).toEqual(listed);
      expect(counts).toEqual([8, 3, 5, 2, 3, 3, 2, 0]);
    });

    it('breaks created_at ties by task id, descending', async () => {
      const tied = [newTask({ taskId: 'tie-b' }), newTask({ taskId: 'tie-c' }), newTask({ taskId: 'tie-a' })];
      await seed(storage(), tied);
      expect(await listIds({})).toEqual(['tie-c', 'tie-b', 'tie-a']);
    });

    it('walks every page exactly once, including ties on created_at across page boundaries', async () => {
      // 23 tasks, four sharing each created_at, inserted in shuffled order.
      const all = Array.from({ length: 23 }, (_, i) => newTask({ createdAt: at(Math.floor(i / 4) * 1_000) }));
      const shuffled = [...all].sort((a, b) =>
        a.taskId.split('').reverse().join('') < b.taskId.split('').reverse().join('') ? -1 : 1,
      );
      await seed(storage(), shuffled);

      const { pages } = await walkAllPages(storage, {}, 5);
      const walked = pages.flat();
      expect(ids(walked)).toEqual(ids(newestFirst(all)));
      expect(new Set(ids(walked)).size).toBe(23);
      expect(pages.length).toBeGreaterThanOrEqual(5);
    });

    it('ends cleanly when the last page is exactly full', async () => {
      const all = Array.from({ length: 8 }, (_, i) => newTask({ createdAt: at(i) }));
      await seed(storage(), all);
      const { pages } = await walkAllPages(storage, {}, 4);
      expect(ids(pages.flat())).toEqual(ids(newestFirst(all)));
      // Either two pages, or a third empty one if the implementation could not know.
      expect(pages.slice(2).flat()).toEqual([]);
    });

    it('paginates a filtered listing with the filter kept across pages', async () => {
      const all = Array.from({ length: 12 }, (_, i) =>
        newTask({ taskType: i % 3 === 0 ? 'page.kept' : 'page.other', createdAt: at(Math.floor(i / 2) * 1_000) }),
      );
      await seed(storage(), all);
      const { pages } = await walkAllPages(storage, { taskType: 'page.kept' }, 1);
      expect(ids(pages.flat())).toEqual(ids(newestFirst(all.filter((t) => t.taskType === 'page.kept'))));
    });

    it('returns the first page without a cursor when everything fits', async () => {
      await seed(storage(), [newTask(), newTask()]);
      const page = await storage().listTasks({}, { limit: 3 });
      expect(page.items).toHaveLength(2);
      expect(page.nextCursor).toBeUndefined();
    });

    it('rejects a cursor it did not issue with InvalidParameterError (40001)', async () => {
      await seed(storage(), [newTask()]);
      await expect(storage().listTasks({}, { limit: 10, cursor: 'garbage' })).rejects.toMatchObject({
        code: ErrorCode.INVALID_PARAMETER,
      });
    });
  });
}
