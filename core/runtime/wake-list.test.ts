import { describe, expect, it } from 'vitest';
import { WakeList } from './wake-list.ts';

const settledWithin = async (promise: Promise<void>, ms: number) =>
  Promise.race([promise.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), ms))]);

describe('WakeList', () => {
  it('wakes a waiter at once, and lets a later wait run to its timeout', async () => {
    const list = new WakeList();
    const waiting = list.wait(60_000);
    list.wakeAll();
    expect(await settledWithin(waiting, 50)).toBe(true);
    expect(await settledWithin(list.wait(60_000), 30)).toBe(false);
    list.close();
  });

  it('forgets a wake-up nobody waited for, unless it latches', async () => {
    const plain = new WakeList();
    plain.wakeAll();
    expect(await settledWithin(plain.wait(60_000), 30)).toBe(false);
    plain.close();

    const latching = new WakeList({ latch: true });
    latching.wakeAll();
    expect(await settledWithin(latching.wait(60_000), 30)).toBe(true);
    // The latch is spent by that wait.
    expect(await settledWithin(latching.wait(60_000), 30)).toBe(false);
    latching.close();
  });
});
