import * as grpc from '@grpc/grpc-js';

/**
 * One gRPC client (one HTTP/2 connection, reconnecting on its own) per address and transport,
 * shared by every task type and service that calls that address; all closed on close().
 */
export class ChannelPool {
  private readonly clients = new Map<string, grpc.Client>();

  client(address: string, tls: boolean): grpc.Client {
    const key = `${tls ? 'tls' : 'plain'}://${address}`;
    let client = this.clients.get(key);
    if (!client) {
      client = new grpc.Client(address, tls ? grpc.credentials.createSsl() : grpc.credentials.createInsecure());
      this.clients.set(key, client);
    }
    return client;
  }

  get size(): number {
    return this.clients.size;
  }

  close(): void {
    for (const client of this.clients.values()) client.close();
    this.clients.clear();
  }
}
