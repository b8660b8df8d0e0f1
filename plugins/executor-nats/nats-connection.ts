import { connect, type NatsConnection } from '@nats-io/transport-node';
import type { Logger } from '../../core/index.ts';

export interface NatsConnectionSettings {
  servers: string[];
  name: string;
  user?: string;
  pass?: string;
  token?: string;
}

/**
 * The executor's one connection, made once at start and kept: the client reconnects by itself
 * forever (messages published meanwhile wait in its buffer). While the very first connection
 * is not made yet, tasks wait for it (their timeout still applies).
 */
export class NatsConnectionHolder {
  private connection: NatsConnection | undefined;
  private connecting: Promise<NatsConnection> | undefined;
  private closed = false;

  constructor(
    private readonly settings: NatsConnectionSettings,
    private readonly logger: () => Logger,
  ) {}

  start(): void {
    if (this.connecting) return;
    const { servers, name, user, pass, token } = this.settings;
    this.connecting = connect({
      servers,
      name,
      ...(user !== undefined ? { user } : {}),
      ...(pass !== undefined ? { pass } : {}),
      ...(token !== undefined ? { token } : {}),
      waitOnFirstConnect: true,
      maxReconnectAttempts: -1,
      reconnectTimeWait: 500,
    }).then((connection) => {
      if (this.closed) {
        void connection.close();
        return connection;
      }
      this.connection = connection;
      void this.watch(connection);
      return connection;
    });
    // Failures are reported to the tasks that wait for the connection, not here.
    this.connecting.catch(() => undefined);
  }

  /** The connection, waiting for the first one when needed; rejects with the signal's reason on abort. */
  async get(signal: AbortSignal): Promise<NatsConnection> {
    if (this.connection) return this.connection;
    if (this.closed) throw new Error('executor-nats is closed');
    this.start();
    const connecting = this.connecting as Promise<NatsConnection>;
    return new Promise<NatsConnection>((resolve, reject) => {
      const onAbort = () => reject(signal.reason);
      signal.addEventListener('abort', onAbort, { once: true });
      connecting.then(
        (connection) => {
          signal.removeEventListener('abort', onAbort);
          resolve(connection);
        },
        (error: unknown) => {
          signal.removeEventListener('abort', onAbort);
          reject(error);
        },
      );
    });
  }

  /** Flushes what is buffered and closes. */
  async close(): Promise<void> {
    this.closed = true;
    const connection = this.connection;
    this.connection = undefined;
    if (connection && !connection.isClosed()) await connection.drain().catch(() => connection.close());
  }

  private async watch(connection: NatsConnection): Promise<void> {
    for await (const status of connection.status()) {
      if (status.type === 'disconnect')
        this.logger().warn({ server: status.server }, 'NATS disconnected; reconnecting');
      else if (status.type === 'reconnect') this.logger().info({ server: status.server }, 'NATS reconnected');
    }
  }
}
