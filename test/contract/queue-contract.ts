import { setTimeout as delay } from 'node:timers/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Clock, CoordinationPort, QueueEntry, TaskQueue, WorkerInfo, WorkerRoom } from '../../core/index.ts';

export interface QueueContractSubject {
  queue: TaskQueue;
  /** The coordination built with the queue: `dispatch` honours its cancel marks. */
  coordination: CoordinationPort;
  clock?: Clock;
  cleanup(): Promise<void>;
}

const HOUR = 3_600_000;
const normal = (taskId: string): QueueEntry => ({ taskId, priority: 0 });
const high = (taskId: string): QueueEntry => ({ taskId, priority: 1 });
const ids = (entries: readonly QueueEntry[]) => entries.map((e) => e.taskId);
const inHours = (hours: number) => new Date(Date.now() + hours * HOUR);
const registeredWorker = (workerId: string): WorkerInfo => ({
  workerId,
  workerName: workerId,
  address: 'localhost:0',
  status: 'ONLINE',
  capacity: 10,
  currentLoad: 0,
  supportedTypes: [],
  weight: 1,
  lastHeartbeat: new Date(),
});

/** A worker with room for anything: `claimFor` then claims up to `limit`, nothing else bounding it. */
const ROOMY: WorkerRoom[] = [{ workerId: 'roomy', maxLoad: Number.MAX_SAFE_INTEGER }];
/** Claims up to `limit` entries from the heads of the ready queues, HIGH first. */
const claim = async (queue: TaskQueue, limit: number) => (await queue.claimFor(ROOMY, limit)).claimed;
/** A take that acks nothing. */
const take = (queue: TaskQueue, workerId: string, max: number, waitMs: number, signal?: AbortSignal) =>
  queue.ackAndTake(workerId, [], max, waitMs, signal);

/** Tracks whether a promise settled, to prove a blocking call is really waiting. */
function track<T>(promise: Promise<T>): { promise: Promise<T>; settled: () => boolean } {
  let settled = false;
  promise.then(
    () => (settled = true),
    () => (settled = true),
  );
  return { promise, settled: () => settled };
}

/**
 * The queue port's contract (core/ports/queue.ts). Every queue plugin runs it. Time-dependent
 * cases use real time relative to now (due times hours away), so the suite also runs against
 * stores that keep their own clock.
 */
export function describeQueueContract(name: string, make: () => Promise<QueueContractSubject>): void {
  describe(`queue contract: ${name}`, () => {
    let subject: QueueContractSubject;
    let queue: TaskQueue;

    beforeEach(async () => {
      subject = await make();
      queue = subject.queue;
      // dispatch only serves registered workers
      await subject.coordination.workers.register(registeredWorker('w1'), HOUR);
    });
    afterEach(async () => {
      await subject.cleanup();
    });

    /** waitForWork keeps a wake-up nobody waited for: let those of earlier steps arrive and spend them. */
    const spendWakeUps = async () => {
      await delay(50);
      await queue.waitForWork(0);
    };

    describe('ready queues and claim', () => {
      it('keeps FIFO order within a priority', async () => {
        await queue.enqueue([normal('a'), normal('b')]);
        await queue.enqueue([normal('c')]);
        expect(ids(await claim(queue, 10))).toEqual(['a', 'b', 'c']);
      });

      it('claims HIGH before NORMAL and keeps each entry priority', async () => {
        await queue.enqueue([normal('n1'), high('h1'), normal('n2'), high('h2')]);
        expect(await claim(queue, 10)).toEqual([high('h1'), high('h2'), normal('n1'), normal('n2')]);
      });

      it('claims at most `limit` entries and returns [] when empty', async () => {
        await queue.enqueue(['a', 'b', 'c', 'd', 'e'].map(normal));
        expect(ids(await claim(queue, 2))).toEqual(['a', 'b']);
        expect(ids(await claim(queue, 10))).toEqual(['c', 'd', 'e']);
        expect(await claim(queue, 10)).toEqual([]);
      });

      it('fills a claim from NORMAL once HIGH is exhausted', async () => {
        await queue.enqueue([normal('n1'), normal('n2'), high('h1')]);
        expect(ids(await claim(queue, 2))).toEqual(['h1', 'n1']);
      });

      it('unclaim puts entries back at the head of their queue in their original order', async () => {
        await queue.enqueue([normal('a'), normal('b'), normal('c'), high('h1'), high('h2')]);
        const claimed = await claim(queue, 4); // h1, h2, a, b
        expect(ids(claimed)).toEqual(['h1', 'h2', 'a', 'b']);
        await queue.enqueue([normal('d'), high('h3')]);
        await queue.unclaim(claimed);
        expect(await queue.listClaimed()).toEqual([]);
        expect(ids(await claim(queue, 10))).toEqual(['h1', 'h2', 'h3', 'a', 'b', 'c', 'd']);
      });

      it('lists claimed entries in claim order, and discardClaimed forgets some', async () => {
        await queue.enqueue([normal('a'), high('h'), normal('b'), normal('c')]);
        await claim(queue, 10);
        expect(await queue.listClaimed()).toEqual([high('h'), normal('a'), normal('b'), normal('c')]);
        await queue.discardClaimed(['a', 'c', 'unknown']);
        expect(await queue.listClaimed()).toEqual([high('h'), normal('b')]);
        expect((await queue.lengths()).claimed).toBe(2);
        expect(await claim(queue, 10)).toEqual([]);
      });

      it('preserves order across a 10 000-entry enqueue claimed in batches', async () => {
        const entries = Array.from({ length: 10_000 }, (_, i) => normal(`bulk-${i}`));
        await queue.enqueue(entries);
        expect((await queue.lengths()).normal).toBe(10_000);
        const claimed: string[] = [];
        for (let batch = await claim(queue, 700); batch.length > 0; batch = await claim(queue, 700)) {
          claimed.push(...ids(batch));
        }
        expect(claimed).toEqual(ids(entries));
      });

      it('never hands the same id to two concurrent claims', async () => {
        await queue.enqueue(Array.from({ length: 1_000 }, (_, i) => (i % 3 === 0 ? high(`c-${i}`) : normal(`c-${i}`))));
        const batches = await Promise.all([claim(queue, 300), claim(queue, 300), claim(queue, 300), claim(queue, 300)]);
        const all = batches.flatMap(ids);
        expect(all).toHaveLength(1_000);
        expect(new Set(all).size).toBe(1_000);
      });
    });

    describe('dispatch and worker lists', () => {
      it('moves claimed ids to the worker queue, skipping and dropping cancelled ones', async () => {
        await queue.enqueue(['a', 'b', 'c'].map(normal));
        await claim(queue, 10);
        await subject.coordination.cancels.requestCancel('b', null);
        const result = await queue.dispatch('w1', ['a', 'b', 'c']);
        expect(result).toEqual({ dispatched: ['a', 'c'], cancelled: ['b'], refused: [] });
        expect(await queue.listClaimed()).toEqual([]);
        const lengths = await queue.lengths();
        expect(lengths.claimed).toBe(0);
        expect(lengths.workers['w1']).toEqual({ queued: 2, processing: 0 });
        expect(await take(queue, 'w1', 10, 0)).toEqual(['a', 'c']);
      });

      it('refuses a worker that is not registered: nothing moves, the ids stay claimed', async () => {
        await queue.enqueue(['a', 'b'].map(normal));
        await claim(queue, 10);
        expect(await queue.dispatch('gone', ['a', 'b'])).toEqual({
          dispatched: [],
          cancelled: [],
          refused: ['a', 'b'],
        });
        expect(ids(await queue.listClaimed())).toEqual(['a', 'b']);
        expect(await take(queue, 'gone', 10, 0)).toEqual([]);
        await subject.coordination.workers.removeWorker('w1');
        expect((await queue.dispatch('w1', ['a'])).refused).toEqual(['a']);
      });

      it('appends dispatches to the tail of the worker queue', async () => {
        await queue.enqueue(['a', 'b', 'c'].map(normal));
        await claim(queue, 10);
        await queue.dispatch('w1', ['a']);
        await queue.dispatch('w1', ['b', 'c']);
        expect(await take(queue, 'w1', 10, 0)).toEqual(['a', 'b', 'c']);
      });

      it('take moves up to max ids into processing; loads count queued + processing', async () => {
        await queue.enqueue(['a', 'b', 'c'].map(normal));
        await claim(queue, 10);
        await queue.dispatch('w1', ['a', 'b', 'c']);
        expect(await take(queue, 'w1', 2, 0)).toEqual(['a', 'b']);
        expect((await queue.lengths()).workers['w1']).toEqual({ queued: 1, processing: 2 });
        const loads = await queue.workerLoads(['w1', 'w-unknown']);
        expect(loads.get('w1')).toBe(3);
        expect(loads.get('w-unknown')).toBe(0);
      });

      it('take waits for a dispatch and returns it well before the timeout', async () => {
        const started = Date.now();
        const taking = track(take(queue, 'w1', 5, 2_000));
        await delay(50);
        expect(taking.settled()).toBe(false);
        await queue.enqueue([normal('late')]);
        await claim(queue, 1);
        await queue.dispatch('w1', ['late']);
        expect(await taking.promise).toEqual(['late']);
        expect(Date.now() - started).toBeLessThan(1_500);
      });

      it('take returns [] after waitMs when nothing arrives', async () => {
        const started = Date.now();
        expect(await take(queue, 'w1', 5, 150)).toEqual([]);
        const elapsed = Date.now() - started;
        expect(elapsed).toBeGreaterThanOrEqual(100);
        expect(elapsed).toBeLessThan(1_500);
      });

      it('take returns [] soon after its signal aborts', async () => {
        const controller = new AbortController();
        const started = Date.now();
        const taking = track(take(queue, 'w1', 5, 2_000, controller.signal));
        await delay(30);
        controller.abort();
        expect(await taking.promise).toEqual([]);
        expect(Date.now() - started).toBeLessThan(1_000);
      });

      it('a dispatch to one worker does not wake another', async () => {
        const other = track(take(queue, 'w2', 5, 200));
        await queue.enqueue([normal('x')]);
        await claim(queue, 1);
        await queue.dispatch('w1', ['x']);
        expect(await other.promise).toEqual([]);
        expect(await take(queue, 'w1', 5, 0)).toEqual(['x']);
      });

      it('ack removes ids from processing only', async () => {
        await queue.enqueue(['a', 'b', 'c'].map(normal));
        await claim(queue, 10);
        await queue.dispatch('w1', ['a', 'b', 'c']);
        await take(queue, 'w1', 2, 0);
        await queue.ack('w1', ['a', 'not-taken']);
        expect((await queue.lengths()).workers['w1']).toEqual({ queued: 1, processing: 1 });
        expect((await queue.workerLoads(['w1'])).get('w1')).toBe(2);
        expect((await queue.drainWorker('w1')).sort()).toEqual(['b', 'c']);
      });

      it('ackAndTake acks, then takes up to max without waiting, in one step', async () => {
        await queue.enqueue(['a', 'b', 'c', 'd'].map(normal));
        await claim(queue, 10);
        await queue.dispatch('w1', ['a', 'b', 'c', 'd']);
        expect(await queue.ackAndTake('w1', [], 2)).toEqual(['a', 'b']);
        expect(await queue.ackAndTake('w1', ['a', 'not-taken'], 1)).toEqual(['c']);
        expect((await queue.lengths()).workers['w1']).toEqual({ queued: 1, processing: 2 });
        // Acks only (max 0), then an empty queue answers [] at once instead of waiting.
        expect(await queue.ackAndTake('w1', ['b'], 0)).toEqual([]);
        expect(await queue.ackAndTake('w1', ['c'], 5)).toEqual(['d']);
        const started = Date.now();
        expect(await queue.ackAndTake('w1', ['d'], 5)).toEqual([]);
        expect(Date.now() - started).toBeLessThan(500);
        expect(await queue.drainWorker('w1')).toEqual([]);
      });

      it('ackAndTake acks at once, then waits up to waitMs for a dispatch when the queue is empty', async () => {
        await queue.enqueue([normal('a')]);
        await claim(queue, 1);
        await queue.dispatch('w1', ['a']);
        await take(queue, 'w1', 1, 0);
        const taking = track(queue.ackAndTake('w1', ['a'], 5, 2_000));
        await delay(50);
        expect(taking.settled()).toBe(false);
        expect((await queue.lengths()).workers['w1']?.processing ?? 0).toBe(0);
        await queue.enqueue([normal('late')]);
        await claim(queue, 1);
        await queue.dispatch('w1', ['late']);
        expect(await taking.promise).toEqual(['late']);
      });

      it('processingIds lists what a worker took and has not acked', async () => {
        await queue.enqueue(['a', 'b', 'c'].map(normal));
        await claim(queue, 3);
        await queue.dispatch('w1', ['a', 'b', 'c']);
        expect(await queue.processingIds('w1')).toEqual([]);
        await take(queue, 'w1', 2, 0);
        expect([...(await queue.processingIds('w1'))].sort()).toEqual(['a', 'b']);
        await queue.ackAndTake('w1', ['a'], 0);
        expect(await queue.processingIds('w1')).toEqual(['b']);
        expect(await queue.processingIds('nobody')).toEqual([]);
      });

      it('ackAndTake wakes the leader when it acks (capacity was freed)', async () => {
        await queue.enqueue([normal('a')]);
        await claim(queue, 1);
        await queue.dispatch('w1', ['a']);
        await take(queue, 'w1', 1, 0);
        await spendWakeUps();
        const waiting = track(queue.waitForWork(2_000));
        await delay(30);
        expect(waiting.settled()).toBe(false);
        const started = Date.now();
        await queue.ackAndTake('w1', ['a'], 1);
        await waiting.promise;
        expect(Date.now() - started).toBeLessThan(1_000);
      });

      it('claimFor reports loads and claims no more than the workers have room for', async () => {
        await queue.enqueue(['a', 'b', 'c', 'd', 'e', 'f'].map(normal));
        await queue.enqueue([high('h')]);
        await claim(queue, 2);
        await queue.dispatch('w1', ['h', 'a']);
        await take(queue, 'w1', 1, 0);
        // w1 holds 2 (1 queued, 1 processing) of 3: room 1; w2 holds nothing of 2: room 2.
        const first = await queue.claimFor(
          [
            { workerId: 'w1', maxLoad: 3 },
            { workerId: 'w2', maxLoad: 2 },
          ],
          10,
        );
        expect(Object.fromEntries(first.loads)).toEqual({ w1: 2, w2: 0 });
        expect(ids(first.claimed)).toEqual(['b', 'c', 'd']);
        // The limit caps the claim below the room; full workers claim nothing.
        expect(ids((await queue.claimFor([{ workerId: 'w2', maxLoad: 5 }], 1)).claimed)).toEqual(['e']);
        const full = await queue.claimFor([{ workerId: 'w1', maxLoad: 2 }], 10);
        expect(full.claimed).toEqual([]);
        expect(full.loads.get('w1')).toBe(2);
        expect(ids(await queue.listClaimed())).toEqual(['b', 'c', 'd', 'e']);
      });

      it('claimFor claims HIGH before NORMAL', async () => {
        await queue.enqueue([normal('n1'), high('h1'), normal('n2'), high('h2')]);
        const { claimed } = await queue.claimFor([{ workerId: 'w1', maxLoad: 3 }], 10);
        expect(claimed).toEqual([high('h1'), high('h2'), normal('n1')]);
      });

      it('drainWorker returns the queued and processing ids and empties both', async () => {
        await queue.enqueue(['a', 'b', 'c'].map(normal));
        await claim(queue, 10);
        await queue.dispatch('w1', ['a', 'b', 'c']);
        await take(queue, 'w1', 1, 0);
        expect((await queue.drainWorker('w1')).sort()).toEqual(['a', 'b', 'c']);
        const w1 = (await queue.lengths()).workers['w1'] ?? { queued: 0, processing: 0 };
        expect(w1).toEqual({ queued: 0, processing: 0 });
        expect((await queue.workerLoads(['w1'])).get('w1')).toBe(0);
        expect(await take(queue, 'w1', 5, 0)).toEqual([]);
        expect(await queue.drainWorker('w1')).toEqual([]);
        expect(await queue.drainWorker('never-seen')).toEqual([]);
      });
    });

    describe('delayed entries', () => {
      it('promotes the earliest due entry first, whatever the order it was scheduled in', async () => {
        expect(await queue.promoteDue(inHours(3), 10)).toBe(0);
        await queue.schedule([
          { ...normal('later'), dueAt: inHours(2) },
          { ...normal('soon'), dueAt: inHours(1) },
        ]);
        expect(await queue.promoteDue(inHours(3), 1)).toBe(1);
        expect(ids(await claim(queue, 10))).toEqual(['soon']);
      });

      it('promoteDue moves only due entries, in due order, up to the limit', async () => {
        await queue.schedule([
          { ...normal('due-2h'), dueAt: inHours(-2) },
          { ...normal('future'), dueAt: inHours(1) },
          { ...normal('due-3h'), dueAt: inHours(-3) },
          { ...normal('due-1h'), dueAt: inHours(-1) },
        ]);
        expect((await queue.lengths()).delayed).toBe(4);
        expect(await queue.promoteDue(new Date(), 2)).toBe(2);
        expect(ids(await claim(queue, 10))).toEqual(['due-3h', 'due-2h']);
        expect(await queue.promoteDue(new Date(), 10)).toBe(1);
        expect(await queue.promoteDue(new Date(), 10)).toBe(0);
        expect(ids(await claim(queue, 10))).toEqual(['due-1h']);
        expect((await queue.lengths()).delayed).toBe(1);
        // The one left is due in an hour: parked until then.
        expect(await queue.promoteDue(inHours(2), 10)).toBe(1);
      });

      it('promotes to the tail of the entry priority queue', async () => {
        await queue.enqueue([normal('n-ready'), high('h-ready')]);
        await queue.schedule([
          { ...high('h-due'), dueAt: inHours(-1) },
          { ...normal('n-due'), dueAt: inHours(-1) },
        ]);
        expect(await queue.promoteDue(new Date(), 10)).toBe(2);
        expect(await claim(queue, 10)).toEqual([high('h-ready'), high('h-due'), normal('n-ready'), normal('n-due')]);
      });

      it('scheduling an id again moves it to the new due time', async () => {
        await queue.schedule([{ ...normal('r'), dueAt: inHours(-1) }]);
        await queue.schedule([{ ...normal('r'), dueAt: inHours(1) }]);
        expect((await queue.lengths()).delayed).toBe(1);
        expect(await queue.promoteDue(new Date(), 10)).toBe(0);
      });
    });

    describe('bookkeeping', () => {
      it('findUnqueued reports ids in no ready queue, delayed set or claimed list', async () => {
        await queue.enqueue([normal('claimed'), normal('dispatched')]);
        await claim(queue, 2);
        await queue.dispatch('w1', ['dispatched']);
        await queue.enqueue([normal('ready'), high('ready-high')]);
        await queue.schedule([{ ...normal('delayed'), dueAt: inHours(1) }]);
        const unqueued = await queue.findUnqueued([
          'ready',
          'ready-high',
          'claimed',
          'delayed',
          'dispatched',
          'nowhere',
        ]);
        expect(unqueued.sort()).toEqual(['dispatched', 'nowhere']);
        expect(await queue.findUnqueued([])).toEqual([]);
      });

      it('lengths counts every list', async () => {
        await queue.enqueue([high('h1'), high('h2'), normal('n1'), normal('n2'), normal('n3')]);
        await queue.schedule([{ ...normal('d1'), dueAt: inHours(1) }]);
        await claim(queue, 2);
        await queue.dispatch('w1', ['h1']);
        const lengths = await queue.lengths();
        expect(lengths).toMatchObject({ high: 0, normal: 3, delayed: 1, claimed: 1 });
        expect(lengths.workers['w1']).toEqual({ queued: 1, processing: 0 });
      });

      it('waitForWork wakes on enqueue', async () => {
        const started = Date.now();
        const waiting = track(queue.waitForWork(2_000));
        await delay(50);
        expect(waiting.settled()).toBe(false);
        await queue.enqueue([normal('wake')]);
        await waiting.promise;
        expect(Date.now() - started).toBeLessThan(1_500);
      });

      it('waitForWork is not woken by unclaim (the leader would spin on entries it cannot place)', async () => {
        await queue.enqueue([normal('stuck')]);
        const claimed = await claim(queue, 1);
        await spendWakeUps();
        const waiting = track(queue.waitForWork(2_000));
        await queue.unclaim(claimed);
        await delay(150); // a wake-up message, if one were sent, arrives within milliseconds
        expect(waiting.settled()).toBe(false);
        await queue.enqueue([normal('real work')]);
        await waiting.promise;
      });

      it('waitForWork keeps a wake-up that came while nobody waited (the leader was busy with a round)', async () => {
        await spendWakeUps();
        await queue.enqueue([normal('during a round')]);
        await delay(50); // on Redis the wake-up travels over pub/sub
        const started = Date.now();
        await queue.waitForWork(2_000);
        expect(Date.now() - started).toBeLessThan(500);
      });

      it('waitForWork resolves after its timeout, or at once on abort', async () => {
        const started = Date.now();
        await queue.waitForWork(100);
        expect(Date.now() - started).toBeGreaterThanOrEqual(80);
        const controller = new AbortController();
        const waiting = queue.waitForWork(2_000, controller.signal);
        controller.abort();
        await waiting;
        expect(Date.now() - started).toBeLessThan(1_500);
      });

      it('ping resolves', async () => {
        await expect(queue.ping()).resolves.toBeUndefined();
      });
    });
  });
}
