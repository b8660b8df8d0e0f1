import type { RedisClient } from './connection.ts';
import { guard } from './connection.ts';

export type MessageHandler = (message: string) => void;
export type HandlerErrorReporter = (error: unknown, channel: string) => void;

/**
 * One subscriber connection shared by every channel this process listens to (queue
 * wake-ups, leader vacancy, cancels, events). A channel is subscribed in Redis while it
 * has at least one handler; ioredis re-subscribes by itself after a reconnect.
 */
export class Subscriptions {
  private readonly handlers = new Map<string, Set<MessageHandler>>();
  /** The SUBSCRIBE in flight or done per channel, so a second handler waits for it too. */
  private readonly subscribed = new Map<string, Promise<unknown>>();

  constructor(
    private readonly subscriber: RedisClient,
    private readonly report: HandlerErrorReporter,
  ) {
    subscriber.on('message', (channel: string, message: string) => this.dispatch(channel, message));
  }

  async on(channel: string, handler: MessageHandler): Promise<() => Promise<void>> {
    let set = this.handlers.get(channel);
    const first = !set;
    if (!set) this.handlers.set(channel, (set = new Set()));
    // Wrapped so subscribing one function twice gives two independent subscriptions.
    const subscription: MessageHandler = (message) => handler(message);
    set.add(subscription);
    if (first) this.subscribed.set(channel, guard(this.subscriber.subscribe(channel)));
    try {
      await this.subscribed.get(channel);
    } catch (error) {
      set.delete(subscription);
      if (set.size === 0) {
        this.handlers.delete(channel);
        this.subscribed.delete(channel);
      }
      throw error;
    }
    return async () => {
      const current = this.handlers.get(channel);
      if (!current?.delete(subscription) || current.size > 0) return;
      this.handlers.delete(channel);
      this.subscribed.delete(channel);
      // Best effort: after stop() or during an outage the connection is gone anyway.
      await this.subscriber.unsubscribe(channel).catch(() => {});
    };
  }

  clear(): void {
    this.handlers.clear();
    this.subscribed.clear();
  }

  private dispatch(channel: string, message: string): void {
    for (const handler of this.handlers.get(channel) ?? []) {
      try {
        handler(message);
      } catch (error) {
        this.report(error, channel);
      }
    }
  }
}
