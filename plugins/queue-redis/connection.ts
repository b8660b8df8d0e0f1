import { Cluster, Redis } from 'ioredis';
import type { RedisOptions } from 'ioredis';
import { DependencyUnavailableError } from '../../core/index.ts';

export type RedisClient = Redis | Cluster;
export type ClientRole = 'command' | 'subscriber' | 'blocking';

export interface SentinelSettings {
  name: string;
  sentinels: { host: string; port: number }[];
  password?: string | undefined;
  sentinelPassword?: string | undefined;
}

export interface ConnectionSettings {
  url: string;
  sentinel?: SentinelSettings | undefined;
  cluster?: { nodes: { host: string; port: number }[] } | undefined;
  connectTimeoutMs: number;
  commandTimeoutMs: number;
}

/** Backoff between reconnect attempts: 50 ms doubling to a 2 s ceiling, forever. */
export function reconnectDelayMs(attempt: number): number {
  return Math.min(50 * 2 ** Math.min(attempt, 6), 2_000);
}

function clientOptions(settings: ConnectionSettings, role: ClientRole, name: string): RedisOptions {
  return {
    // No I/O until start() connects explicitly.
    lazyConnect: true,
    // RESP2: reply shapes (ZRANGE WITHSCORES, script tables) are the same on every server
    // version, and pub/sub lives on its own connection anyway.
    protocol: 2,
    connectionName: `${name}:${role}`,
    connectTimeout: settings.connectTimeoutMs,
    retryStrategy: reconnectDelayMs,
    // While Redis is down a command waits for one reconnect attempt, then rejects: callers
    // get DependencyUnavailableError within seconds instead of a promise that never settles.
    maxRetriesPerRequest: 1,
    // A blocking BLMOVE resent after an outage would outlive its caller's wait; let it fail
    // and let the worker loop call take() again.
    autoResendUnfulfilledCommands: role !== 'blocking',
    // Blocking commands legitimately wait; a command timeout only guards short commands.
    ...(role === 'command' ? { commandTimeout: settings.commandTimeoutMs } : {}),
  };
}

/** One client of the given role: standalone (URL), Sentinel, or Cluster. */
export function createClient(settings: ConnectionSettings, role: ClientRole, name = 'taskmanager'): RedisClient {
  const options = clientOptions(settings, role, name);
  if (settings.cluster) {
    return new Cluster(settings.cluster.nodes, {
      lazyConnect: true,
      clusterRetryStrategy: reconnectDelayMs,
      redisOptions: options,
    });
  }
  if (settings.sentinel) {
    return new Redis({
      ...options,
      name: settings.sentinel.name,
      sentinels: settings.sentinel.sentinels,
      password: settings.sentinel.password,
      sentinelPassword: settings.sentinel.sentinelPassword,
    });
  }
  return new Redis(settings.url, options);
}

/**
 * Connects and waits until the client is ready. On failure the client is disconnected (it
 * would otherwise keep retrying in the background) and the error says Redis is unavailable.
 */
export async function connectClient(client: RedisClient): Promise<void> {
  // Transient connection errors are reported through rejected commands; without a listener
  // ioredis would print each one as an unhandled 'error' event.
  client.on('error', () => {});
  try {
    await client.connect();
  } catch (error) {
    client.disconnect();
    throw new DependencyUnavailableError('redis', error);
  }
}

/** Replies that mean "not now" rather than "wrong command". */
const UNAVAILABLE_REPLY = /^(LOADING|READONLY|MASTERDOWN|CLUSTERDOWN|TRYAGAIN|BUSY)\b/;

/**
 * Connection loss, a command timeout, or an exhausted retry budget become
 * DependencyUnavailableError (50301); a reply error (a bug) passes through unchanged.
 */
export function toAvailabilityError(error: unknown): unknown {
  if (!(error instanceof Error) || error instanceof DependencyUnavailableError) return error;
  if (error.name === 'ReplyError' && !UNAVAILABLE_REPLY.test(error.message)) return error;
  return new DependencyUnavailableError('redis', error);
}

/** Awaits a Redis call, mapping outage errors to DependencyUnavailableError. */
export async function guard<T>(call: Promise<T>): Promise<T> {
  try {
    return await call;
  } catch (error) {
    throw toAvailabilityError(error);
  }
}
