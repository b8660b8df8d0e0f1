import amqplib, { type ConfirmChannel, type Options } from 'amqplib';
import type { Logger } from '../../core/index.ts';
import type { ExchangeType } from './routing.ts';

type RecoveringConnection = Awaited<ReturnType<typeof connectWithRecovery>>;

function connectWithRecovery(url: string, connectionName: string) {
  return amqplib.connect(url, {
    clientProperties: { connection_name: connectionName },
    recovery: { waitForConnect: false, maxRetries: Number.POSITIVE_INFINITY, initialDelay: 200, maxDelay: 5_000 },
  });
}

interface OpenChannel {
  channel: ConfirmChannel;
  /** Exchanges declared on this channel's connection. */
  declared: Set<string>;
}

/**
 * One connection made once (amqplib's recovery reconnects it with backoff, for ever) and one
 * confirm channel on it, opened again after a reconnect or a channel error. `publish`
 * resolves when the broker confirms the message (publisher confirms), rejects on a nack or
 * when the channel closes first.
 */
export class ConfirmPublisher {
  private connection: Promise<RecoveringConnection> | undefined;
  private channel: Promise<OpenChannel> | undefined;
  private closed = false;

  constructor(
    private readonly url: string,
    private readonly connectionName: string,
    private readonly logger: () => Logger,
  ) {}

  start(): void {
    if (this.connection) return;
    this.connection = connectWithRecovery(this.url, this.connectionName).then((connection) => {
      connection.on('disconnect', (error: Error) => {
        this.channel = undefined;
        if (!this.closed) this.logger().warn({ err: error }, 'RabbitMQ disconnected; reconnecting');
      });
      connection.on('connect', () => this.logger().info('RabbitMQ connected'));
      connection.on('error', (error: Error) => this.logger().warn({ err: error }, 'RabbitMQ connection error'));
      return connection;
    });
    this.connection.catch(() => undefined);
  }

  async publish(
    exchange: string,
    exchangeType: ExchangeType,
    routingKey: string,
    content: Buffer,
    options: Options.Publish,
  ): Promise<void> {
    if (this.closed) throw new Error('executor-rabbitmq is closed');
    const open = await this.openChannel();
    if (!exchange.startsWith('amq.') && exchange !== '' && !open.declared.has(exchange)) {
      await open.channel.assertExchange(exchange, exchangeType, { durable: true });
      open.declared.add(exchange);
    }
    await new Promise<void>((resolve, reject) => {
      open.channel.publish(exchange, routingKey, content, options, (error: unknown) => {
        if (error)
          reject(error instanceof Error ? error : new Error(`the broker refused the message (${String(error)})`));
        else resolve();
      });
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    const connection = await this.connection?.catch(() => undefined);
    this.channel = undefined;
    await connection?.close().catch(() => undefined);
  }

  private openChannel(): Promise<OpenChannel> {
    if (!this.channel) {
      this.start();
      const opening = (this.connection as Promise<RecoveringConnection>).then(async (connection) => {
        const channel = await connection.createConfirmChannel();
        // A channel error (e.g. declaring an exchange with another type) closes the channel only.
        channel.on('error', (error: Error) => this.logger().warn({ err: error }, 'RabbitMQ channel error'));
        channel.on('close', () => {
          if (this.channel === opening) this.channel = undefined;
        });
        return { channel, declared: new Set<string>() };
      });
      opening.catch(() => {
        if (this.channel === opening) this.channel = undefined;
      });
      this.channel = opening;
    }
    return this.channel;
  }
}
