import { EventEmitter } from 'node:events';
import type { Clock } from '../ports/clock.ts';
import type {
  EventBus,
  EventHandler,
  EventName,
  EventOf,
  ListenOptions,
  TaskManagerEvents,
  WireEvent,
} from '../ports/event-bus.ts';
import type { Logger } from '../ports/logger.ts';

const ANY = Symbol('any');

/**
 * In-process typed event bus. Handlers run synchronously in emit order; a handler that
 * throws or rejects is logged, never propagated to the emitter (a metrics bug must not
 * fail a task).
 */
export class InProcessEventBus implements EventBus {
  private readonly emitter = new EventEmitter();
  /** Listeners that want other processes' events too (not `localOnly`). */
  private remoteListeners = 0;
  private readonly interestWatchers = new Set<(listeners: number) => void>();

  constructor(
    private readonly clock: Clock,
    private readonly origin: string,
    private readonly logger: Logger,
  ) {
    // Listeners are per subsystem (metrics, bridge, alerting, dashboards), not per task.
    this.emitter.setMaxListeners(100);
  }

  emit<K extends EventName>(name: K, payload: TaskManagerEvents[K]): void {
    // Several events per task: with nobody listening, skip building the event object.
    if (this.emitter.listenerCount(name) === 0 && this.emitter.listenerCount(ANY) === 0) return;
    this.deliver(name, { ...payload, timestamp: this.clock.now(), origin: this.origin, remote: false });
  }

  /** Delivers an event that came from another process over the bridge. */
  emitRemote(wire: WireEvent): void {
    const event = { ...wire.data, timestamp: new Date(wire.timestamp), origin: wire.origin, remote: true };
    this.deliver(wire.event, event as EventOf<EventName>);
  }

  on<K extends EventName>(name: K, handler: EventHandler<K>, options: ListenOptions = {}): () => void {
    const listener = options.localOnly
      ? (event: EventOf<K>) => {
          if (!event.remote) this.invoke(handler, event, name);
        }
      : (event: EventOf<K>) => this.invoke(handler, event, name);
    this.emitter.on(name, listener);
    return this.registered(options, () => this.emitter.off(name, listener));
  }

  onAny(handler: (name: EventName, event: EventOf<EventName>) => void, options: ListenOptions = {}): () => void {
    const listener = options.localOnly
      ? (name: EventName, event: EventOf<EventName>) => {
          if (!event.remote) this.invokeAny(handler, name, event);
        }
      : (name: EventName, event: EventOf<EventName>) => this.invokeAny(handler, name, event);
    this.emitter.on(ANY, listener);
    return this.registered(options, () => this.emitter.off(ANY, listener));
  }

  /** How many listeners want other processes' events. */
  get remoteInterest(): number {
    return this.remoteListeners;
  }

  /** Told the new count whenever a listener that wants other processes' events comes or goes. */
  watchRemoteInterest(watcher: (listeners: number) => void): () => void {
    this.interestWatchers.add(watcher);
    return () => this.interestWatchers.delete(watcher);
  }

  private registered(options: ListenOptions, off: () => void): () => void {
    if (options.localOnly) return off;
    this.changeInterest(1);
    let removed = false;
    return () => {
      off();
      if (removed) return;
      removed = true;
      this.changeInterest(-1);
    };
  }

  private changeInterest(delta: number): void {
    this.remoteListeners += delta;
    for (const watcher of this.interestWatchers) watcher(this.remoteListeners);
  }

  private deliver(name: EventName, event: EventOf<EventName>): void {
    this.emitter.emit(name, event);
    if (this.emitter.listenerCount(ANY) > 0) this.emitter.emit(ANY, name, event);
  }

  // Handler and argument passed apart (no closure per event): this runs for every task.
  private invoke<K extends EventName>(handler: EventHandler<K>, event: EventOf<K>, name: K): void {
    try {
      this.settle(handler(event), name);
    } catch (error) {
      this.logger.error({ err: error, event: name }, 'event handler failed');
    }
  }

  private invokeAny(
    handler: (name: EventName, event: EventOf<EventName>) => void,
    name: EventName,
    event: EventOf<EventName>,
  ): void {
    try {
      this.settle(handler(name, event), name);
    } catch (error) {
      this.logger.error({ err: error, event: name }, 'event handler failed');
    }
  }

  private settle(result: unknown, name: string): void {
    if (result instanceof Promise)
      result.catch((error: unknown) => this.logger.error({ err: error, event: name }, 'event handler failed'));
  }
}

export function toWireEvent(name: EventName, event: EventOf<EventName>): WireEvent {
  const { timestamp, origin, remote: _remote, ...data } = event as EventOf<EventName> & Record<string, unknown>;
  return {
    event: name,
    task_id: typeof data.taskId === 'string' ? data.taskId : undefined,
    task_type: typeof data.taskType === 'string' ? data.taskType : undefined,
    timestamp: timestamp.getTime(),
    origin,
    data,
  };
}
