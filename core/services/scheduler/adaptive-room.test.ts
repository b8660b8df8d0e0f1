import { describe, expect, it } from 'vitest';
import type { WorkerInfo } from '../../domain/worker.ts';
import { AdaptiveRoom } from './adaptive-room.ts';

const worker = (workerId: string, capacity: number): WorkerInfo => ({
  workerId,
  workerName: workerId,
  address: 'test',
  status: 'ONLINE',
  capacity,
  currentLoad: 0,
  supportedTypes: [],
  weight: 1,
  lastHeartbeat: new Date(0),
});

/** Rounds of `roundMs`: each time the worker finished `donePerRound` of what it held, and is refilled to its room. */
function simulate(room: AdaptiveRoom, w: WorkerInfo, donePerRound: number, roundMs: number, rounds: number): number {
  let load = 0;
  let now = 0;
  for (let i = 0; i < rounds; i++) {
    load = Math.max(0, load - donePerRound);
    room.observe(new Map([[w.workerId, load]]), now);
    const maxLoad = room.rooms([w])[0]!.maxLoad;
    room.dispatched(w.workerId, maxLoad - load);
    load = maxLoad;
    room.roundTook(roundMs);
    now += roundMs;
  }
  return room.rooms([w])[0]!.maxLoad;
}

describe('AdaptiveRoom', () => {
  it('starts every worker at its capacity: nothing is prefetched before anything is measured', () => {
    expect(new AdaptiveRoom().rooms([worker('w', 10)])).toEqual([{ workerId: 'w', maxLoad: 10 }]);
  });

  it('gives a worker that finishes fast a room of what it completes in about four rounds', () => {
    // 100 tasks per 5 ms round: 20 per ms; the horizon is 4 rounds (20 ms): ~400 extra, capped
    // at 16 × capacity or 256, whichever is more.
    const room = simulate(new AdaptiveRoom(), worker('w', 10), 100, 5, 100);
    expect(room).toBe(10 + 256);
    const wide = simulate(new AdaptiveRoom(), worker('w', 100), 100, 5, 100);
    expect(wide).toBeGreaterThan(100 + 300);
    expect(wide).toBeLessThanOrEqual(100 + 1_600);
  });

  it('prefetches next to nothing for a worker whose tasks take long', () => {
    // One task per 100 ms round: 0.01 per ms, horizon 250 ms at most: ~3 extra.
    const room = simulate(new AdaptiveRoom(), worker('w', 10), 1, 100, 100);
    expect(room).toBeLessThanOrEqual(10 + 3);
    expect(room).toBeGreaterThanOrEqual(10);
  });

  it('shrinks again when a worker slows down, and forgets a worker that left', () => {
    const adaptive = new AdaptiveRoom();
    const w = worker('w', 10);
    expect(simulate(adaptive, w, 100, 5, 100)).toBeGreaterThan(100);
    expect(simulate(adaptive, w, 1, 5, 200)).toBeLessThan(20);
    adaptive.forget(['w']);
    expect(adaptive.rooms([w])[0]!.maxLoad).toBe(10);
  });
});
