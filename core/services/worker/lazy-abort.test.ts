import { describe, expect, it } from 'vitest';
import { LazyAbort } from './lazy-abort.ts';

describe('LazyAbort', () => {
  it('hands out a live signal that aborts with the reason', () => {
    const abort = new LazyAbort();
    const signal = abort.signal;
    expect(signal.aborted).toBe(false);
    abort.abort('timeout');
    expect(signal.aborted).toBe(true);
    expect(signal.reason).toBe('timeout');
  });

  it('a signal first read after the abort is already aborted, with the first reason', () => {
    const abort = new LazyAbort();
    abort.abort('cancel');
    abort.abort('shutdown');
    expect(abort.aborted).toBe(true);
    expect(abort.signal.aborted).toBe(true);
    expect(abort.signal.reason).toBe('cancel');
  });

  it('tells its listener once, or at once when registered after the abort', () => {
    const seen: unknown[] = [];
    const abort = new LazyAbort();
    abort.onAbort((reason) => seen.push(reason));
    abort.abort('a');
    abort.abort('b');
    const late = new LazyAbort();
    late.abort('c');
    late.onAbort((reason) => seen.push(reason));
    expect(seen).toEqual(['a', 'c']);
  });
});
