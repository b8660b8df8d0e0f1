import net from 'node:net';

export type ProxyMode = 'open' | 'cut' | 'partitioned';

interface Pair {
  client: net.Socket;
  upstream: net.Socket | undefined;
}

/**
 * A TCP proxy the test controls, between one process and one server (MySQL or Redis):
 *
 * - `cut()`: the server is gone. Every connection is reset and new ones are reset at once,
 *   as a server that crashed or a port nobody listens on.
 * - `partition()`: the network between them drops everything. Connections stay open but no
 *   byte moves either way (the sockets are paused, so TCP backpressure holds what was sent,
 *   as retransmission does across a real partition); new connections are accepted and held.
 * - `heal()`: back to normal; held bytes and held connections go through.
 *
 * `tap` sees every chunk the process sends, for checks on what it wrote and when.
 */
export class TcpProxy {
  private readonly pairs = new Set<Pair>();
  private mode: ProxyMode = 'open';

  private constructor(
    private readonly server: net.Server,
    readonly port: number,
    private readonly target: { host: string; port: number },
    private readonly tap: ((chunk: Buffer) => void) | undefined,
  ) {}

  static async start(target: { host: string; port: number }, tap?: (chunk: Buffer) => void): Promise<TcpProxy> {
    let proxy: TcpProxy | undefined;
    const server = net.createServer({ pauseOnConnect: true }, (client) => proxy!.accept(client));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    proxy = new TcpProxy(server, (server.address() as net.AddressInfo).port, target, tap);
    return proxy;
  }

  get state(): ProxyMode {
    return this.mode;
  }

  get connections(): number {
    return this.pairs.size;
  }

  cut(): void {
    this.mode = 'cut';
    for (const pair of this.pairs) this.drop(pair);
  }

  partition(): void {
    this.mode = 'partitioned';
    for (const pair of this.pairs) {
      pair.client.pause();
      pair.upstream?.pause();
    }
  }

  heal(): void {
    const wasPartitioned = this.mode === 'partitioned';
    this.mode = 'open';
    if (!wasPartitioned) return;
    for (const pair of this.pairs) {
      if (pair.upstream) {
        pair.client.resume();
        pair.upstream.resume();
      } else {
        this.connectUpstream(pair);
      }
    }
  }

  async close(): Promise<void> {
    for (const pair of this.pairs) this.drop(pair);
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private accept(client: net.Socket): void {
    if (this.mode === 'cut') {
      client.resetAndDestroy();
      return;
    }
    const pair: Pair = { client, upstream: undefined };
    this.pairs.add(pair);
    client.on('error', () => this.drop(pair));
    client.on('close', () => this.drop(pair));
    if (this.mode === 'open') this.connectUpstream(pair);
  }

  private connectUpstream(pair: Pair): void {
    const upstream = net.connect(this.target);
    pair.upstream = upstream;
    upstream.on('error', () => this.drop(pair));
    upstream.on('close', () => this.drop(pair));
    upstream.once('connect', () => {
      pair.client.on('data', (chunk: Buffer) => {
        this.tap?.(chunk);
        if (!upstream.write(chunk)) pair.client.pause();
      });
      upstream.on('drain', () => this.mode === 'open' && pair.client.resume());
      upstream.on('data', (chunk: Buffer) => {
        if (!pair.client.write(chunk)) upstream.pause();
      });
      pair.client.on('drain', () => this.mode === 'open' && upstream.resume());
      if (this.mode === 'open') {
        pair.client.resume();
        upstream.resume();
      } else {
        pair.client.pause();
        upstream.pause();
      }
    });
  }

  private drop(pair: Pair): void {
    if (!this.pairs.delete(pair)) return;
    // A reset, not a FIN: the process sees the connection die the way a crashed server does.
    if (!pair.client.destroyed) pair.client.resetAndDestroy();
    if (pair.upstream && !pair.upstream.destroyed) pair.upstream.resetAndDestroy();
  }
}
