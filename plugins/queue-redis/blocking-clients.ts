import { Cluster } from 'ioredis';
import type { ConnectionSettings, RedisClient } from './connection.ts';
import { connectClient, createClient, toAvailabilityError } from './connection.ts';
import { DependencyUnavailableError } from '../../core/index.ts';

interface BlockingClient {
  readonly client: RedisClient;
  /** Server-side CLIENT ID, refreshed after every reconnect; what CLIENT UNBLOCK targets. */
  clientId: number | undefined;
  discarded: boolean;
}

/**
 * Dedicated connections for BLMOVE: a blocked connection can serve nobody else, so each
 * concurrent wait gets its own, pooled per worker. An abort ends the wait at once with
 * CLIENT UNBLOCK sent from the command connection (the blocked command then answers
 * nil); when that is not possible (cluster, or the command was not blocked yet) the
 * connection is dropped instead, which rejects the wait.
 *
 * A wait whose connection drops is failed here, not left to ioredis: with
 * `autoResendUnfulfilledCommands` off (a BLMOVE resent after an outage would outlive its
 * caller), ioredis forgets the commands of a connection that closed once it reconnects, and
 * their promises never settle, so a worker would wait forever after a quick Redis restart, a
 * failover, or a proxy that accepts connections while Redis is down. The wait fails when the
 * connection closes, or when no answer came `commandTimeout` after the BLMOVE's own timeout
 * (a half-open connection, a cluster node that went away); the connection is then dropped.
 */
export class BlockingClients {
  private readonly idle = new Map<string, BlockingClient[]>();
  private readonly all = new Set<BlockingClient>();

  constructor(
    private readonly settings: ConnectionSettings,
    private readonly command: RedisClient,
    private readonly connectionName: string,
  ) {}

  /** BLMOVE source(right) → destination(left); the moved id, or null on timeout or abort. */
  async moveOne(
    workerId: string,
    source: string,
    destination: string,
    waitMs: number,
    signal?: AbortSignal,
  ): Promise<string | null> {
    if (signal?.aborted) return null;
    const entry = await this.acquire(workerId);
    let aborted = false;
    const onAbort = () => {
      aborted = true;
      void this.unblock(entry);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    const lost = this.watchLoss(entry, waitMs);
    try {
      if (signal?.aborted) return null;
      return await Promise.race([
        entry.client.blmove(source, destination, 'RIGHT', 'LEFT', waitMs / 1000),
        lost.promise,
      ]);
    } catch (error) {
      // Our own abort, or stop(): the connection was dropped on purpose.
      if (aborted || entry.discarded) return null;
      if (lost.happened) {
        this.discard(entry);
        throw error;
      }
      throw toAvailabilityError(error);
    } finally {
      lost.stop();
      signal?.removeEventListener('abort', onAbort);
      this.release(workerId, entry);
    }
  }

  /** Rejects when the wait's connection closes or its answer is overdue (see the class comment). */
  private watchLoss(entry: BlockingClient, waitMs: number) {
    let fail: (error: Error) => void = () => {};
    const watch = {
      happened: false,
      promise: new Promise<never>((_, reject) => (fail = reject)),
      stop: () => {
        clearTimeout(timer);
        entry.client.off('close', onClose);
      },
    };
    watch.promise.catch(() => {});
    const lose = (reason: string) => {
      if (watch.happened) return;
      watch.happened = true;
      fail(new DependencyUnavailableError('redis', new Error(reason)));
    };
    const onClose = () => lose('the connection of a blocking take closed');
    const timer = setTimeout(
      () => lose('a blocking take got no answer in time'),
      waitMs + this.settings.commandTimeoutMs,
    );
    entry.client.once('close', onClose);
    return watch;
  }

  /** Disconnects every blocking connection; pending waits end with null. */
  close(): void {
    for (const entry of this.all) this.discard(entry);
    this.all.clear();
    this.idle.clear();
  }

  private async acquire(workerId: string): Promise<BlockingClient> {
    const reused = this.idle.get(workerId)?.pop();
    if (reused) return reused;
    const client = createClient(this.settings, 'blocking', this.connectionName);
    const entry: BlockingClient = { client, clientId: undefined, discarded: false };
    this.all.add(entry);
    if (!(client instanceof Cluster)) {
      client.on('ready', () => {
        entry.clientId = undefined;
        client.client('ID').then(
          (id) => (entry.clientId = id),
          () => {},
        );
      });
    }
    try {
      await connectClient(client);
    } catch (error) {
      this.all.delete(entry);
      throw error;
    }
    return entry;
  }

  private release(workerId: string, entry: BlockingClient): void {
    if (entry.discarded) return;
    let list = this.idle.get(workerId);
    if (!list) this.idle.set(workerId, (list = []));
    list.push(entry);
  }

  private async unblock(entry: BlockingClient): Promise<void> {
    if (entry.clientId !== undefined && !(this.command instanceof Cluster)) {
      const unblocked = await this.command.client('UNBLOCK', entry.clientId).catch(() => 0);
      if (unblocked === 1) return;
    }
    this.discard(entry);
  }

  private discard(entry: BlockingClient): void {
    entry.discarded = true;
    this.all.delete(entry);
    entry.client.disconnect();
  }
}
