import type { CoordinationPort, Unsubscribe } from '../ports/coordination.ts';
import type { EventName, EventOf, WireEvent } from '../ports/event-bus.ts';
import type { Logger } from '../ports/logger.ts';
import { toWireEvent, type InProcessEventBus } from './events.ts';

/** How long the subscription outlives its last interested listener (an SSE client reconnecting). */
const UNSUBSCRIBE_AFTER_MS = 5_000;

/**
 * Carries events between processes over the coordination port: local events are published
 * in batches (one flush per turn of the event loop), remote ones re-emitted locally.
 *
 * Only as much as someone wants: this process subscribes to other processes' events only
 * while a local listener wants them (not `localOnly`), and publishes only while the port says
 * someone listens. A cluster where nothing consumes events across processes exchanges none.
 */
export class CrossProcessEvents {
  private buffer: WireEvent[] = [];
  private flushScheduled = false;
  private offLocal: (() => void) | undefined;
  private offInterest: (() => void) | undefined;
  private remote: Promise<Unsubscribe | undefined> = Promise.resolve(undefined);
  private unsubscribeTimer: NodeJS.Timeout | undefined;
  private inFlight: Promise<void> = Promise.resolve();
  private stopped = false;

  constructor(
    private readonly bus: InProcessEventBus,
    private readonly coordination: CoordinationPort,
    private readonly origin: string,
    private readonly logger: Logger,
  ) {}

  async start(): Promise<void> {
    this.offLocal = this.bus.onAny(
      (name: EventName, event: EventOf<EventName>) => {
        if (this.coordination.events.interested?.() === false) return;
        this.buffer.push(toWireEvent(name, event));
        if (!this.flushScheduled) {
          this.flushScheduled = true;
          setImmediate(() => this.flush());
        }
      },
      { localOnly: true },
    );
    this.offInterest = this.bus.watchRemoteInterest((listeners) => this.follow(listeners));
    this.follow(this.bus.remoteInterest);
    await this.remote;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.unsubscribeTimer);
    this.offInterest?.();
    this.offLocal?.();
    this.flush();
    await this.inFlight;
    const unsubscribe = await this.remote;
    await unsubscribe?.();
  }

  /** Subscribes while someone here wants other processes' events; lets go a while after the last leaves. */
  private follow(listeners: number): void {
    if (this.stopped) return;
    if (listeners > 0) {
      clearTimeout(this.unsubscribeTimer);
      this.unsubscribeTimer = undefined;
      this.remote = this.remote.then((current) => current ?? this.subscribe());
      return;
    }
    if (this.unsubscribeTimer) return;
    this.unsubscribeTimer = setTimeout(() => {
      this.unsubscribeTimer = undefined;
      if (this.bus.remoteInterest > 0) return;
      this.remote = this.remote.then(async (current) => {
        await current?.();
        return undefined;
      });
    }, UNSUBSCRIBE_AFTER_MS);
    this.unsubscribeTimer.unref();
  }

  /** Retried every second while it fails (the queue unreachable) and someone still wants it. */
  private async subscribe(): Promise<Unsubscribe | undefined> {
    for (let attempt = 1; !this.stopped && this.bus.remoteInterest > 0; attempt++) {
      try {
        return await this.coordination.events.subscribe((wire) => {
          if (wire.origin !== this.origin) this.bus.emitRemote(wire);
        });
      } catch (error) {
        if (attempt === 1) this.logger.warn({ err: error }, "listening to other processes' events failed; retrying");
        await new Promise((resolve) => setTimeout(resolve, 1_000).unref());
      }
    }
    return undefined;
  }

  private flush(): void {
    this.flushScheduled = false;
    if (this.buffer.length === 0) return;
    const batch = this.buffer;
    this.buffer = [];
    this.inFlight = this.inFlight
      .then(() => this.coordination.events.publish(batch))
      .catch((error: unknown) =>
        this.logger.warn({ err: error, events: batch.length }, 'publishing events to other processes failed'),
      );
  }
}
