import { setTimeout as delay } from 'node:timers/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CoordinationPort, WireEvent, WorkerInfo } from '../../core/index.ts';
import { waitFor } from '../helpers/wait.ts';

export interface CoordinationContractSubject {
  coordination: CoordinationPort;
  cleanup(): Promise<void>;
}

function workerInfo(workerId: string, overrides: Partial<WorkerInfo> = {}): WorkerInfo {
  return {
    workerId,
    workerName: `name-${workerId}`,
    address: '10.0.0.7:9000',
    status: 'ONLINE',
    capacity: 8,
    currentLoad: 0,
    supportedTypes: ['email', 'http'],
    weight: 2,
    lastHeartbeat: new Date(Date.now() - 1_000),
    ...overrides,
  };
}

/**
 * The coordination port's contract (core/ports/coordination.ts): leader lock, worker
 * registry, cancel signals and the event bridge. Expiry cases run on real time with short
 * TTLs and poll with waitFor, so stores that expire keys themselves pass the same suite.
 */
export function describeCoordinationContract(name: string, make: () => Promise<CoordinationContractSubject>): void {
  describe(`coordination contract: ${name}`, () => {
    let subject: CoordinationContractSubject;
    let coordination: CoordinationPort;

    beforeEach(async () => {
      subject = await make();
      coordination = subject.coordination;
    });
    afterEach(async () => {
      await subject.cleanup();
    });

    describe('leader election', () => {
      it('one candidate holds the lock; only the holder renews or releases it', async () => {
        const { leader } = coordination;
        expect(await leader.currentLeader()).toBeNull();
        expect(await leader.tryAcquire('a', 5_000)).toBe(true);
        expect(await leader.tryAcquire('a', 5_000)).toBe(true);
        expect(await leader.tryAcquire('b', 5_000)).toBe(false);
        expect(await leader.currentLeader()).toBe('a');

        expect(await leader.renew('b', 5_000)).toBe(false);
        expect(await leader.renew('a', 5_000)).toBe(true);

        await leader.release('b');
        expect(await leader.currentLeader()).toBe('a');
        await leader.release('a');
        expect(await leader.currentLeader()).toBeNull();

        expect(await leader.renew('a', 5_000)).toBe(false);
        expect(await leader.tryAcquire('b', 5_000)).toBe(true);
        expect(await leader.currentLeader()).toBe('b');
      });

      it('waitForVacancy is woken by a release', async () => {
        const { leader } = coordination;
        await leader.tryAcquire('a', 5_000);
        const started = Date.now();
        let woken = false;
        const waiting = leader.waitForVacancy(2_000).then(() => (woken = true));
        await delay(50);
        expect(woken).toBe(false);
        await leader.release('a');
        await waiting;
        expect(Date.now() - started).toBeLessThan(1_500);
      });

      it('waitForVacancy resolves after its timeout, or at once on abort', async () => {
        const { leader } = coordination;
        await leader.tryAcquire('a', 5_000);
        const started = Date.now();
        await leader.waitForVacancy(100);
        expect(Date.now() - started).toBeGreaterThanOrEqual(80);
        const controller = new AbortController();
        const waiting = leader.waitForVacancy(2_000, controller.signal);
        controller.abort();
        await waiting;
        expect(Date.now() - started).toBeLessThan(1_500);
      });

      it('an expired lock can be taken by another candidate', async () => {
        const { leader } = coordination;
        expect(await leader.tryAcquire('a', 300)).toBe(true);
        expect(await leader.tryAcquire('b', 5_000)).toBe(false);
        await waitFor(() => leader.tryAcquire('b', 5_000), {
          timeoutMs: 3_000,
          intervalMs: 25,
          message: 'lock expiry',
        });
        expect(await leader.currentLeader()).toBe('b');
        expect(await leader.renew('a', 5_000)).toBe(false);
      });
    });

    describe('worker registry', () => {
      it('registers, heartbeats, lists and removes workers', async () => {
        const { workers } = coordination;
        const info = workerInfo('w1');
        await workers.register(info, 5_000);
        await workers.register(workerInfo('w2'), 5_000);

        const listed = (await workers.listWorkers()).find((w) => w.workerId === 'w1');
        expect(listed).toMatchObject({
          workerId: 'w1',
          workerName: info.workerName,
          address: info.address,
          status: 'ONLINE',
          capacity: 8,
          weight: 2,
        });
        expect([...(listed?.supportedTypes ?? [])].sort()).toEqual(['email', 'http']);

        const beat = new Date(Date.now());
        expect(await workers.heartbeat('w1', 3, beat, 5_000)).toBe(true);
        const after = (await workers.listWorkers()).find((w) => w.workerId === 'w1');
        expect(after?.currentLoad).toBe(3);
        expect(after?.lastHeartbeat.getTime()).toBe(beat.getTime());
        expect(after?.status).toBe('ONLINE');

        expect(await workers.heartbeat('unknown', 1, new Date(), 5_000)).toBe(false);

        await workers.removeWorker('w1');
        expect((await workers.listWorkers()).map((w) => w.workerId)).toEqual(['w2']);
        expect(await workers.heartbeat('w1', 1, new Date(), 5_000)).toBe(false);
      });

      it('a worker past its TTL stays listed as OFFLINE and must register again', async () => {
        const { workers } = coordination;
        await workers.register(workerInfo('short'), 200);
        await workers.register(workerInfo('long'), 10_000);
        const offline = await waitFor(
          async () => (await workers.listWorkers()).find((w) => w.workerId === 'short' && w.status === 'OFFLINE'),
          { timeoutMs: 3_000, intervalMs: 25, message: 'worker expiry' },
        );
        expect(offline.workerId).toBe('short');
        expect((await workers.listWorkers()).find((w) => w.workerId === 'long')?.status).toBe('ONLINE');
        expect(await workers.heartbeat('short', 0, new Date(), 5_000)).toBe(false);

        await workers.register(workerInfo('short'), 5_000);
        expect((await workers.listWorkers()).find((w) => w.workerId === 'short')?.status).toBe('ONLINE');
      });
    });

    describe('cancel signals', () => {
      it('requestCancel leaves a mark that findCancelled reports', async () => {
        const { cancels } = coordination;
        expect(await cancels.findCancelled(['t1', 't2'])).toEqual(new Set());
        await cancels.requestCancel('t1', null);
        expect(await cancels.findCancelled(['t1', 't2'])).toEqual(new Set(['t1']));
        expect(await cancels.findCancelled([])).toEqual(new Set());
      });

      it("notifies the named worker's subscribers only, until they unsubscribe", async () => {
        const { cancels } = coordination;
        const gotW1: string[] = [];
        const gotW2: string[] = [];
        const unsubscribeW1 = await cancels.subscribeCancels('w1', (id) => gotW1.push(id));
        const unsubscribeW2 = await cancels.subscribeCancels('w2', (id) => gotW2.push(id));

        await cancels.requestCancel('t-w1', 'w1');
        await waitFor(() => gotW1.includes('t-w1'), { message: 'cancel on w1' });
        // A later message to w2 arriving proves the earlier one was not routed there.
        await cancels.requestCancel('t-w2', 'w2');
        await waitFor(() => gotW2.includes('t-w2'), { message: 'cancel on w2' });
        expect(gotW1).toEqual(['t-w1']);
        expect(gotW2).toEqual(['t-w2']);
        expect(await cancels.findCancelled(['t-w1', 't-w2'])).toEqual(new Set(['t-w1', 't-w2']));

        await unsubscribeW1();
        await cancels.requestCancel('t-after', 'w1');
        await cancels.requestCancel('t-marker', 'w2');
        await waitFor(() => gotW2.includes('t-marker'), { message: 'marker on w2' });
        expect(gotW1).toEqual(['t-w1']);
        await unsubscribeW2();
      });
    });

    describe('event bridge', () => {
      it('delivers published events to subscribers, until they unsubscribe', async () => {
        const { events } = coordination;
        const received: WireEvent[] = [];
        const markers: WireEvent[] = [];
        const unsubscribe = await events.subscribe((event) => received.push(event));
        const unsubscribeMarkers = await events.subscribe((event) => markers.push(event));

        const event: WireEvent = {
          event: 'task_completed',
          task_id: 'task-1',
          task_type: 'email',
          timestamp: Date.now(),
          origin: 'node-a',
          data: { durationMs: 12, workerId: 'w1' },
        };
        await events.publish([event, { ...event, event: 'task_created', task_id: 'task-2', data: { priority: 1 } }]);
        await waitFor(() => received.length >= 2, { message: 'bridged events' });
        expect(received[0]).toEqual(event);
        expect(received[1]).toMatchObject({ event: 'task_created', task_id: 'task-2', data: { priority: 1 } });

        await unsubscribe();
        const markerCount = markers.length;
        await events.publish([{ ...event, task_id: 'task-3' }]);
        await waitFor(() => markers.length > markerCount, { message: 'marker event' });
        expect(received).toHaveLength(2);
        await unsubscribeMarkers();
      });
    });

    describe('rate limits', () => {
      it('grants at most max per window among concurrent takers, and again once the window ends', async () => {
        const { rateLimits } = coordination;
        const key = `contract:${Math.random().toString(36).slice(2)}`;
        const grants = await Promise.all(Array.from({ length: 10 }, () => rateLimits.take(key, 2, 5, 400)));
        expect(grants.reduce((sum, g) => sum + g.granted, 0)).toBe(5);
        for (const grant of grants) {
          expect(grant.retryAfterMs).toBeGreaterThan(0);
          expect(grant.retryAfterMs).toBeLessThanOrEqual(400);
        }
        expect((await rateLimits.take(key, 1, 5, 400)).granted).toBe(0);
        // Another key has its own window.
        expect((await rateLimits.take(`${key}:other`, 3, 5, 400)).granted).toBe(3);
        await waitFor(async () => (await rateLimits.take(key, 4, 5, 400)).granted === 4, {
          timeoutMs: 3_000,
          intervalMs: 50,
          message: 'a new window',
        });
      });
    });

    it('ping resolves', async () => {
      await expect(coordination.ping()).resolves.toBeUndefined();
    });
  });
}
