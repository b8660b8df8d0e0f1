import { Cluster } from 'ioredis';
import type { ConnectionSettings, RedisClient } from './connection.ts';
import { connectClient, createClient, toAvailabilityError } from './connection.ts';

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
    try {
      if (signal?.aborted) return null;
      return await entry.client.blmove(source, destination, 'RIGHT', 'LEFT', waitMs / 1000);
    } catch (error) {
      if (aborted || entry.discarded) return null;
      throw toAvailabilityError(error);
    } finally {
      signal?.removeEventListener('abort', onAbort);
      this.release(workerId, entry);
    }
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
