import { describe, expect, it } from 'vitest';
import { DueIndex } from './due-index.ts';

describe('DueIndex', () => {
  it('drains thousands of tasks in order across compactions', () => {
    const index = new DueIndex();
    for (let i = 0; i < 5_000; i++) index.add(`t${String(i).padStart(5, '0')}`, new Date(i));
    const drained: string[] = [];
    for (;;) {
      const batch = index.due(10_000, 137);
      if (batch.length === 0) break;
      for (const id of batch) index.delete(id);
      drained.push(...batch);
      // Late arrivals and a rescheduled task interleave with the drain.
      if (drained.length === 1_370) {
        index.add('late', new Date(0));
        index.delete('t04999');
        index.add('t04999', new Date(1));
      }
    }
    expect(drained).toHaveLength(5_001);
    expect(new Set(drained).size).toBe(5_001);
    expect(drained.slice(1_370, 1_372)).toEqual(['late', 't04999']);
    expect(index.size).toBe(0);
  });

  it('skips removed and rescheduled entries without losing live ones', () => {
    const index = new DueIndex();
    index.add('a', new Date(1));
    index.add('b', new Date(2));
    index.add('c', new Date(3));
    index.delete('a');
    index.delete('b');
    index.add('b', new Date(10));
    expect(index.due(5, 10)).toEqual(['c']);
    expect(index.due(10, 10)).toEqual(['c', 'b']);
    expect(index.due(10, 1)).toEqual(['c']);
  });
});
