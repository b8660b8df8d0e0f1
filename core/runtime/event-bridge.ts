import type { CoordinationPort, Unsubscribe } from '../ports/coordination.ts';
import type { EventName, EventOf, WireEvent } from '../ports/event-bus.ts';
import type { Logger } from '../ports/logger.ts';
import { toWireEvent, type InProcessEventBus } from './events.ts';

/**
 * Carries events between processes over the coordination port: local events are published
 * in batches (one flush per turn of the event loop), remote ones re-emitted locally.
 */
export class CrossProcessEvents {
  private buffer: WireEvent[] = [];
  private flushScheduled = false;
  private offLocal: (() => void) | undefined;
  private offRemote: Unsubscribe | undefined;
  private inFlight: Promise<void> = Promise.resolve();

  constructor(
    private readonly bus: InProcessEventBus,
    private readonly coordination: CoordinationPort,
    private readonly origin: string,
    private readonly logger: Logger,
  ) {}

  async start(): Promise<void> {
    this.offRemote = await this.coordination.events.subscribe((wire) => {
      if (wire.origin !== this.origin) this.bus.emitRemote(wire);
    });
    this.offLocal = this.bus.onAny((name: EventName, event: EventOf<EventName>) => {
      if (event.remote) return;
      this.buffer.push(toWireEvent(name, event));
      if (!this.flushScheduled) {
        this.flushScheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  async stop(): Promise<void> {
    this.offLocal?.();
    this.flush();
    await this.inFlight;
    await this.offRemote?.();
  }

  private flush(): void {
    this.flushScheduled = false;
    if (this.buffer.length === 0) return;
    const batch = this.buffer;
    this.buffer = [];
    this.inFlight = this.inFlight
      .then(() => this.coordination.events.publish(batch))
      .catch((error: unknown) => this.logger.warn({ err: error, events: batch.length }, 'publishing events to other processes failed'));
  }
}
