import { WakeList } from '../../core/index.ts';
import { BlockingClients } from './blocking-clients.ts';
import type { ConnectionSettings, RedisClient } from './connection.ts';
import { connectClient, createClient, guard } from './connection.ts';
import type { RedisKeys } from './keys.ts';
import { RedisScripts } from './scripts.ts';
import type { HandlerErrorReporter } from './subscriptions.ts';
import { Subscriptions } from './subscriptions.ts';
import { EventInterest } from './event-interest.ts';

/** Told about failures and reconnects (the metrics plugin's counters). */
export interface RedisObserver {
  /** `command`: a script or ping failed; `connection`: a client lost or could not open its connection. */
  error(kind: 'command' | 'connection'): void;
  /** A client that had been ready is ready again after a drop. */
  reconnected(role: 'command' | 'subscriber'): void;
}

interface Live {
  command: RedisClient;
  subscriber: RedisClient;
  scripts: RedisScripts;
  subscriptions: Subscriptions;
  blocking: BlockingClients;
}

/**
 * The connections the queue, coordination and cache share, created at start and closed
 * at stop. Built in setup without I/O, so the port objects can be registered before
 * anything connects.
 */
export class RedisConnections {
  /** Woken by the notify channel: the leader's waitForWork. */
  readonly work = new WakeList({ latch: true });
  /** Woken by the vacancy channel: followers' waitForVacancy. */
  readonly vacancy = new WakeList();
  /** Whether anyone listens on the events channel (publishers skip it when nobody does). */
  readonly eventInterest: EventInterest;
  private live: Live | undefined;
  private observer: RedisObserver | undefined;

  constructor(
    readonly keys: RedisKeys,
    private readonly settings: ConnectionSettings,
    private readonly connectionName: string,
    private readonly report: HandlerErrorReporter,
  ) {
    this.eventInterest = new EventInterest(keys.eventsChannel, !settings.cluster);
  }

  /** Set before start(). */
  observe(observer: RedisObserver): void {
    this.observer = observer;
  }

  get started(): boolean {
    return this.live !== undefined;
  }

  async start(): Promise<void> {
    if (this.live) return;
    const command = createClient(this.settings, 'command', this.connectionName);
    const subscriber = createClient(this.settings, 'subscriber', this.connectionName);
    this.watch(command, 'command');
    this.watch(subscriber, 'subscriber');
    try {
      await connectClient(command);
      await connectClient(subscriber);
      const scripts = new RedisScripts(command, () => this.observer?.error('command'));
      await scripts.load();
      const subscriptions = new Subscriptions(subscriber, this.report);
      await subscriptions.on(this.keys.notifyChannel, () => this.work.wakeAll());
      await subscriptions.on(this.keys.vacancyChannel, () => this.vacancy.wakeAll());
      await subscriptions.on(this.keys.eventsInterestChannel, () => this.eventInterest.heard());
      const blocking = new BlockingClients(this.settings, command, this.connectionName);
      this.work.open();
      this.vacancy.open();
      this.live = { command, subscriber, scripts, subscriptions, blocking };
      this.eventInterest.start(command);
    } catch (error) {
      command.disconnect();
      subscriber.disconnect();
      throw error;
    }
  }

  async stop(): Promise<void> {
    const live = this.live;
    this.live = undefined;
    this.work.close();
    this.vacancy.close();
    this.eventInterest.stop();
    if (!live) return;
    live.blocking.close();
    live.subscriptions.clear();
    // disconnect, not QUIT: QUIT waits for a reply that never comes while Redis is down.
    live.subscriber.disconnect();
    live.command.disconnect();
  }

  get command(): RedisClient {
    return this.require().command;
  }

  get scripts(): RedisScripts {
    return this.require().scripts;
  }

  get subscriptions(): Subscriptions {
    return this.require().subscriptions;
  }

  get blocking(): BlockingClients {
    return this.require().blocking;
  }

  async ping(): Promise<void> {
    try {
      await guard(this.command.ping());
    } catch (error) {
      this.observer?.error('command');
      throw error;
    }
  }

  private watch(client: RedisClient, role: 'command' | 'subscriber'): void {
    let readyBefore = false;
    client.on('error', () => this.observer?.error('connection'));
    client.on('ready', () => {
      if (readyBefore) this.observer?.reconnected(role);
      readyBefore = true;
    });
  }

  private require(): Live {
    if (!this.live) throw new Error('queue-redis is not started');
    return this.live;
  }
}
