import type { RedisClient } from './connection.ts';

/** How often the subscriber count of the events channel is read again. */
const POLL_MS = 1_000;

/**
 * Whether anyone listens on the events channel, so a process does not publish one message per
 * task event nobody reads (PUBSUB NUMSUB, polled every second). A process that starts
 * listening announces it on a second channel, which turns publishing on at once rather than
 * at the next poll; a consumer of our own that does not announce (redis-cli SUBSCRIBE) is
 * seen within a second. Until the first count arrives, and on Redis Cluster (where NUMSUB
 * counts one node's subscribers only), it answers yes.
 */
export class EventInterest {
  private listening = true;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly channel: string,
    private readonly exact: boolean,
  ) {}

  get interested(): boolean {
    return this.listening;
  }

  /** Someone announced that they listen. */
  heard(): void {
    this.listening = true;
  }

  start(command: RedisClient): void {
    if (!this.exact || this.timer) return;
    const poll = () => {
      command.pubsub('NUMSUB', this.channel).then(
        (reply) => {
          const count = Number((reply as unknown[])[1] ?? 0);
          this.listening = count > 0;
        },
        // Redis unreachable: publishing fails on its own; keep the last answer.
        () => {},
      );
    };
    poll();
    this.timer = setInterval(poll, POLL_MS);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
    this.listening = true;
  }
}
