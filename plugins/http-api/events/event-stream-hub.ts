import { randomBytes } from 'node:crypto';
import type { EventBus, EventName, EventOf, Logger } from '../../../core/index.ts';
import { EventRing } from './event-ring.ts';
import { eventJson, sseBlock, sseComment, sseHello } from './sse-format.ts';

export interface EventStreamOptions {
  /** Recent events kept for `Last-Event-ID` resumption. */
  ringSize?: number;
  /**
   * Bytes a client may have queued and unsent before it is disconnected. Large enough for a
   * burst emitted in one turn of the event loop (thousands of events), small enough that a
   * stuck client costs a bounded few MiB.
   */
  maxUnsentBytes?: number;
  /** A comment line every this many ms, so idle proxies keep the stream open. */
  heartbeatMs?: number;
  /** How long the bus listener (and so the ring) outlives the last client: a reconnect within it resumes. */
  lingerMs?: number;
  /** The `retry:` an EventSource waits before reconnecting. */
  retryMs?: number;
  /** Gets a line when a slow client is disconnected. */
  logger?: Logger;
}

/** Only the events of one task, or of one task type; both may be given. */
export interface EventFilter {
  taskId?: string;
  taskType?: string;
}

interface Client {
  filter: EventFilter;
  controller: ReadableStreamDefaultController<Uint8Array>;
  disconnect: (() => void) | undefined;
}

const DEFAULTS = {
  ringSize: 10_000,
  maxUnsentBytes: 4 * 1024 * 1024,
  heartbeatMs: 15_000,
  lingerMs: 5_000,
  retryMs: 2_000,
};

/** `<epoch>-<seq>`: the epoch changes whenever the ring starts over, so an id from before is recognised as stale. */
const EVENT_ID = /^([0-9a-f]{8})-(\d{1,15})$/;

/**
 * The event bus as Server-Sent Events for every client of this process (docs/api.md, "Live
 * events"). One bus listener serves all clients: each event is serialised once, kept in a
 * ring for resumption, and queued to every client whose filter it matches.
 *
 * The listener is a normal one (not `localOnly`): while it exists this process also receives
 * the events other processes emit (core/runtime/event-bridge.ts). It is registered when the
 * first client connects and removed `lingerMs` after the last one goes, so a client that
 * reconnects at once resumes without a gap while a cluster with no client exchanges nothing.
 *
 * Each client's queue is bounded (`maxUnsentBytes`): a client that reads slower than events
 * come is disconnected rather than allowed to grow the server's memory; it reconnects with
 * its `Last-Event-ID` and resumes from the ring, or is told `resync`.
 */
export class EventStreamHub {
  private readonly settings: Required<Omit<EventStreamOptions, 'logger'>>;
  private readonly clients = new Set<Client>();
  private readonly ring: EventRing;
  private offBus: (() => void) | undefined;
  private lingerTimer: NodeJS.Timeout | undefined;
  private heartbeatTimer: NodeJS.Timeout | undefined;
  private epoch = '';
  private seq = 0;
  private closed = false;

  constructor(
    private readonly bus: EventBus,
    private readonly options: EventStreamOptions = {},
  ) {
    this.settings = {
      ringSize: options.ringSize ?? DEFAULTS.ringSize,
      maxUnsentBytes: options.maxUnsentBytes ?? DEFAULTS.maxUnsentBytes,
      heartbeatMs: options.heartbeatMs ?? DEFAULTS.heartbeatMs,
      lingerMs: options.lingerMs ?? DEFAULTS.lingerMs,
      retryMs: options.retryMs ?? DEFAULTS.retryMs,
    };
    this.ring = new EventRing(this.settings.ringSize);
  }

  /** Clients connected right now. */
  get clientCount(): number {
    return this.clients.size;
  }

  /** true while the bus listener is registered (clients connected, or within the linger). */
  get listening(): boolean {
    return this.offBus !== undefined;
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /**
   * A new client's stream: a hello, then what it missed since `lastEventId` when the ring still
   * holds it (or a `resync` event when it does not), then every matching event as it happens.
   * `disconnect` cuts the client's connection (the server's socket); without it a client that
   * falls too far behind gets its stream errored instead.
   */
  open(filter: EventFilter, lastEventId?: string, disconnect?: () => void): ReadableStream<Uint8Array> {
    if (this.closed) throw new Error('the event stream is closed');
    let client: Client | undefined;
    return new ReadableStream<Uint8Array>(
      {
        start: (controller) => {
          client = { filter, controller, disconnect };
          this.listen();
          controller.enqueue(sseHello(this.settings.retryMs));
          this.catchUp(client, lastEventId);
          this.clients.add(client);
          this.startHeartbeat();
        },
        cancel: () => {
          if (client) this.remove(client);
        },
      },
      { highWaterMark: this.settings.maxUnsentBytes, size: (chunk) => chunk.byteLength },
    );
  }

  /** Ends every stream (their data already queued still goes out) and lets go of the bus. */
  close(): void {
    this.closed = true;
    for (const client of [...this.clients]) {
      this.clients.delete(client);
      try {
        client.controller.close();
      } catch {
        // Already cancelled by its reader.
      }
    }
    this.stopHeartbeat();
    clearTimeout(this.lingerTimer);
    this.unlisten();
  }

  private listen(): void {
    clearTimeout(this.lingerTimer);
    this.lingerTimer = undefined;
    if (this.offBus) return;
    this.epoch = randomBytes(4).toString('hex');
    this.seq = 0;
    this.ring.clear();
    this.offBus = this.bus.onAny((name, event) => this.publish(name, event));
  }

  private unlisten(): void {
    this.offBus?.();
    this.offBus = undefined;
    this.ring.clear();
  }

  private publish(name: EventName, event: EventOf<EventName>): void {
    const json = eventJson(name, event);
    const seq = ++this.seq;
    const recorded = {
      seq,
      taskId: json.task_id,
      taskType: json.task_type,
      chunk: sseBlock(`${this.epoch}-${seq}`, name, json),
    };
    this.ring.push(recorded);
    for (const client of this.clients) {
      if (matches(client.filter, recorded.taskId, recorded.taskType)) this.send(client, recorded.chunk);
    }
  }

  private catchUp(client: Client, lastEventId: string | undefined): void {
    if (lastEventId === undefined || lastEventId === '') return;
    const match = EVENT_ID.exec(lastEventId.trim());
    const lastSeq = match ? Number(match[2]) : NaN;
    const oldest = this.ring.oldestSeq ?? this.seq + 1;
    if (match?.[1] !== this.epoch || lastSeq > this.seq || lastSeq < oldest - 1) {
      const reason =
        match?.[1] === this.epoch
          ? 'events since Last-Event-ID are no longer held'
          : 'Last-Event-ID is not from this stream';
      const data = { event: 'resync', timestamp: new Date().toISOString(), origin: '', data: { reason } };
      client.controller.enqueue(sseBlock(`${this.epoch}-${this.seq}`, 'resync', data));
      return;
    }
    for (const event of this.ring.after(lastSeq)) {
      if (matches(client.filter, event.taskId, event.taskType)) client.controller.enqueue(event.chunk);
    }
  }

  /** Queues a chunk, or disconnects the client when its unsent bytes pass the bound. */
  private send(client: Client, chunk: Uint8Array): void {
    try {
      client.controller.enqueue(chunk);
    } catch {
      this.remove(client);
      return;
    }
    if ((client.controller.desiredSize ?? 0) >= 0) return;
    this.options.logger?.warn(
      { maxUnsentBytes: this.settings.maxUnsentBytes },
      'an event stream client fell too far behind and was disconnected; it can resume with Last-Event-ID',
    );
    this.remove(client);
    // Either way what is queued is dropped at once; cutting the socket makes no error noise.
    if (client.disconnect) client.disconnect();
    else client.controller.error(new Error('event stream client too slow'));
  }

  private remove(client: Client): void {
    if (!this.clients.delete(client) || this.clients.size > 0) return;
    this.stopHeartbeat();
    if (this.closed) return;
    clearTimeout(this.lingerTimer);
    this.lingerTimer = setTimeout(() => {
      this.lingerTimer = undefined;
      if (this.clients.size === 0) this.unlisten();
    }, this.settings.lingerMs);
    this.lingerTimer.unref();
  }

  private startHeartbeat(): void {
    if (this.heartbeatTimer) return;
    this.heartbeatTimer = setInterval(() => {
      const beat = sseComment('keep-alive');
      for (const client of [...this.clients]) this.send(client, beat);
    }, this.settings.heartbeatMs);
    this.heartbeatTimer.unref();
  }

  private stopHeartbeat(): void {
    clearInterval(this.heartbeatTimer);
    this.heartbeatTimer = undefined;
  }
}

function matches(filter: EventFilter, taskId: string | undefined, taskType: string | undefined): boolean {
  if (filter.taskId !== undefined && filter.taskId !== taskId) return false;
  if (filter.taskType !== undefined && filter.taskType !== taskType) return false;
  return true;
}
