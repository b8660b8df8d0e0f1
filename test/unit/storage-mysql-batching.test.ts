import { describe, expect, it } from 'vitest';
import { chunkForStatements, MAX_BYTES_PER_STATEMENT, MAX_ROWS_PER_STATEMENT } from '../../plugins/storage-mysql/batching.ts';
import { groupBySameUpdate } from '../../plugins/storage-mysql/transition-queries.ts';
import { assign, at, change, complete } from '../contract/storage/fixtures.ts';

describe('storage-mysql statement planning', () => {
  it('writes a batch assignment to one worker as a single UPDATE group', () => {
    const changes = Array.from({ length: 500 }, (_, i) => assign(`t-${i}`, 'w-1', at(1_000)));
    const groups = groupBySameUpdate(changes);
    expect(groups).toHaveLength(1);
    expect(groups[0]).toHaveLength(500);
  });

  it('splits changes whose SET clauses differ: worker, time, per-task result, source status', () => {
    const groups = groupBySameUpdate([
      assign('a', 'w-1', at(1_000)),
      assign('b', 'w-2', at(1_000)),
      assign('c', 'w-1', at(2_000)),
      complete('d', 'w-1', at(3_000)),
      change('e', 'PROCESSING', 'SUCCESS', at(3_000), { result: { other: 1 }, completedAt: at(3_000) }),
      change('f', 'PENDING', 'CANCELLED', at(3_000)),
      change('g', 'PROCESSING', 'CANCELLED', at(3_000)),
      assign('h', 'w-1', at(1_000)),
    ]);
    expect(groups.map((g) => g.map((c) => c.taskId))).toEqual([['a', 'h'], ['b'], ['c'], ['d'], ['e'], ['f'], ['g']]);
  });

  it('chunks by row count and by estimated bytes, never leaving an empty chunk', () => {
    const rows = Array.from({ length: 2_500 }, (_, i) => i);
    expect(chunkForStatements(rows).map((c) => c.length)).toEqual([MAX_ROWS_PER_STATEMENT, MAX_ROWS_PER_STATEMENT, 500]);
    const big = chunkForStatements([1, 2, 3, 4], () => MAX_BYTES_PER_STATEMENT / 2 + 1);
    expect(big.map((c) => c.length)).toEqual([1, 1, 1, 1]);
    expect(chunkForStatements([])).toEqual([]);
  });
});
