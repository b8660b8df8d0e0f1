import { describe, expect, it } from 'vitest';
import { chunkForStatements, MAX_BYTES_PER_STATEMENT, MAX_ROWS_PER_STATEMENT } from './statement-chunks.ts';

describe('SQL storage statement planning', () => {
  it('chunks by row count and by estimated bytes, never leaving an empty chunk', () => {
    const rows = Array.from({ length: 2_500 }, (_, i) => i);
    expect(chunkForStatements(rows).map((c) => c.length)).toEqual([
      MAX_ROWS_PER_STATEMENT,
      MAX_ROWS_PER_STATEMENT,
      500,
    ]);
    const big = chunkForStatements([1, 2, 3, 4], () => MAX_BYTES_PER_STATEMENT / 2 + 1);
    expect(big.map((c) => c.length)).toEqual([1, 1, 1, 1]);
    expect(chunkForStatements([])).toEqual([]);
  });
});
