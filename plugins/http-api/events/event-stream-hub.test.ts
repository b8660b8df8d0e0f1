/**
 * The event stream's rules on a real in-process bus: filters, resumption from the ring,
 * resync when it cannot resume, heartbeats, the per-client bound, and that its listener wants
 * other processes' events only while clients are there.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { InProcessEventBus, systemClock } from '../../../core/index.ts';
import { silentLogger } from '../../../test/helpers/fake-plugin-context.ts';
import { waitFor } from '../../../test/helpers/wait.ts';
import { EventStreamHub, type EventStreamOptions } from './event-stream-hub.ts';

interface Parsed {
  id?: string;
  event?: string;
  data?: { event: string; task_id?: string; task_type?: string; data: Record<string, unknown> };
  comment?: string;
  retry?: number;
}

/** Reads a stream's blocks as they come. */
function reader(stream: ReadableStream<Uint8Array>) {
  const blocks: Parsed[] = [];
  const decoder = new TextDecoder();
  let buffer = '';
  const source = stream.getReader();
  const done = (async () => {
    for (;;) {
      const { value, done: finished } = await source.read();
      if (finished) return;
      buffer += decoder.decode(value, { stream: true });
      let end: number;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const block: Parsed = {};
        for (const line of buffer.slice(0, end).split('\n')) {
          if (line.startsWith(': ')) block.comment = line.slice(2);
          else if (line.startsWith('id: ')) block.id = line.slice(4);
          else if (line.startsWith('event: ')) block.event = line.slice(7);
          else if (line.startsWith('data: ')) block.data = JSON.parse(line.slice(6));
          else if (line.startsWith('retry: ')) block.retry = Number(line.slice(7));
        }
        blocks.push(block);
        buffer = buffer.slice(end + 2);
      }
    }
  })();
  const events = () => blocks.filter((b) => b.event !== undefined);
  return { blocks, events, done, cancel: () => source.cancel() };
}

describe('EventStreamHub', () => {
  const bus = new InProcessEventBus(systemClock, 'test-node:1', silentLogger());
  let hub: EventStreamHub;
  const make = (options: EventStreamOptions = {}) => (hub = new EventStreamHub(bus, { lingerMs: 20, ...options }));

  afterEach(() => hub?.close());

  const created = (taskId: string, taskType = 'echo') => bus.emit('task_created', { taskId, taskType, priority: 0 });

  it('sends a hello, then every event with an id, its name and snake_case JSON', async () => {
    make();
    const client = reader(hub.open({}));
    created('t1');
    bus.emit('task_completed', { taskId: 't1', taskType: 'echo', workerId: 'w1', durationMs: 12 });
    bus.emit('worker_online', { workerId: 'w2' });
    await waitFor(() => client.events().length === 3, { message: 'three events' });
    expect(client.blocks[0]).toMatchObject({ retry: 2_000, comment: 'connected' });
    const [first, second, third] = client.events();
    expect(first).toMatchObject({
      event: 'task_created',
      data: { event: 'task_created', task_id: 't1', task_type: 'echo', data: { task_id: 't1', priority: 0 } },
    });
    expect(second?.data).toMatchObject({
      task_id: 't1',
      origin: 'test-node:1',
      data: { worker_id: 'w1', duration_ms: 12 },
    });
    expect(third?.data).toMatchObject({ event: 'worker_online', data: { worker_id: 'w2' } });
    expect(third?.data?.task_id).toBeUndefined();
    const seqs = client.events().map((e) => Number(e.id?.split('-')[1]));
    expect(seqs).toEqual([1, 2, 3]);
  });

  it('filters by task id and by task type', async () => {
    make();
    const byId = reader(hub.open({ taskId: 'a' }));
    const byType = reader(hub.open({ taskType: 'sleep' }));
    const both = reader(hub.open({ taskId: 'b', taskType: 'sleep' }));
    created('a', 'echo');
    created('b', 'sleep');
    created('c', 'sleep');
    bus.emit('leader_elected', { leaderId: 'x' });
    const all = reader(hub.open({}));
    created('d', 'echo');
    await waitFor(() => all.events().length === 1 && byType.events().length === 2);
    expect(byId.events().map((e) => e.data?.task_id)).toEqual(['a']);
    expect(byType.events().map((e) => e.data?.task_id)).toEqual(['b', 'c']);
    expect(both.events().map((e) => e.data?.task_id)).toEqual(['b']);
  });

  it('resumes after Last-Event-ID from the ring, with no gap and no duplicate', async () => {
    make();
    const first = reader(hub.open({}));
    created('t1');
    created('t2');
    await waitFor(() => first.events().length === 2);
    const lastId = first.events()[1]!.id!;
    await first.cancel();
    // Emitted while nobody is connected, within the linger: still recorded.
    created('t3');
    created('t4');
    const again = reader(hub.open({}, lastId));
    created('t5');
    await waitFor(() => again.events().length === 3);
    expect(again.events().map((e) => e.data?.task_id)).toEqual(['t3', 't4', 't5']);
    expect(again.events().some((e) => e.event === 'resync')).toBe(false);
  });

  it('says resync when it cannot resume: an unknown id, events pushed out of the ring, or after the linger', async () => {
    make({ ringSize: 3 });
    const foreign = reader(hub.open({}, 'deadbeef-7'));
    await waitFor(() => foreign.events().length === 1);
    expect(foreign.events()[0]).toMatchObject({
      event: 'resync',
      data: { data: { reason: 'Last-Event-ID is not from this stream' } },
    });

    created('t1');
    await waitFor(() => foreign.events().length === 2);
    const afterFirst = foreign.events()[1]!.id!;
    for (const id of ['t2', 't3', 't4', 't5']) created(id);
    const late = reader(hub.open({}, afterFirst));
    await waitFor(() => late.events().length === 1);
    expect(late.events()[0]).toMatchObject({
      event: 'resync',
      data: { data: { reason: 'events since Last-Event-ID are no longer held' } },
    });
    // The resync carries the newest id: resuming from it next time works.
    const newest = late.events()[0]!.id!;
    const resumed = reader(hub.open({}, newest));
    created('t6');
    await waitFor(() => resumed.events().length === 1);
    expect(resumed.events()[0]?.data?.task_id).toBe('t6');

    await Promise.all([foreign.cancel(), late.cancel(), resumed.cancel()]);
    await waitFor(() => !hub.listening, { message: 'the listener removed after the linger' });
    const afterLinger = reader(hub.open({}, newest));
    await waitFor(() => afterLinger.events().length === 1);
    expect(afterLinger.events()[0]?.event).toBe('resync');
  });

  it('sends a heartbeat comment while clients are connected', async () => {
    make({ heartbeatMs: 20 });
    const client = reader(hub.open({}));
    await waitFor(() => client.blocks.filter((b) => b.comment === 'keep-alive').length >= 2, {
      message: 'two heartbeats',
    });
  });

  it('disconnects a client that does not read once its unsent bytes pass the bound; readers go on', async () => {
    const lines: unknown[] = [];
    hub = new EventStreamHub(bus, { lingerMs: 20, maxUnsentBytes: 64 * 1024, logger: silentLogger(lines) });
    const stuck = hub.open({});
    const healthy = reader(hub.open({}));
    const error = 'x'.repeat(4_000);
    for (let i = 0; i < 40; i++) {
      bus.emit('task_failed', {
        taskId: `t${i}`,
        taskType: 'fail',
        workerId: 'w',
        status: 'FAILED',
        error,
        final: true,
      });
      // A turn of the event loop between events, as a real stream has: the reader catches up.
      await new Promise((resolve) => setImmediate(resolve));
    }
    expect(hub.clientCount).toBe(1);
    const stuckReader = stuck.getReader();
    await expect(stuckReader.read()).rejects.toThrow('event stream client too slow');
    await waitFor(() => healthy.events().length === 40, { message: 'all 40 events at the reader' });
    expect(JSON.stringify(lines)).toContain('fell too far behind');
  });

  it("wants other processes' events only while a client is connected (and the linger)", async () => {
    make();
    expect(bus.remoteInterest).toBe(0);
    const client = reader(hub.open({}));
    const other = reader(hub.open({ taskType: 'echo' }));
    expect(bus.remoteInterest).toBe(1);
    await client.cancel();
    await other.cancel();
    await waitFor(() => bus.remoteInterest === 0, { message: 'interest gone after the linger' });
  });

  it('close() ends every stream and refuses new ones', async () => {
    make();
    const client = reader(hub.open({}));
    created('t1');
    hub.close();
    await client.done;
    expect(client.events().map((e) => e.data?.task_id)).toEqual(['t1']);
    expect(bus.remoteInterest).toBe(0);
    expect(() => hub.open({})).toThrow('closed');
  });
});
