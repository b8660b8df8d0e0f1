/**
 * What one connection may take from the HTTP server (docs/api.md, "Limits"), over raw
 * sockets: a client that drips its headers or its body is cut off with 408 at the timeouts,
 * an oversized head is 431, idle keep-alive connections close, and a connection serves a
 * bounded number of requests when a cap is configured (none by default). Timeouts are
 * shortened here; the defaults are in the docs.
 */
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApiManager, type ApiFixture } from '../helpers/http-api-manager.ts';

interface Exchange {
  /** Everything the server sent before it closed the connection (or the test gave up). */
  received: string;
  closedAfterMs: number;
}

/**
 * Opens a connection, writes `chunks` with `gapMs` between them (stopping when the server
 * closes), and collects what comes back until the server closes or `giveUpMs` passes.
 */
function converse(
  port: number,
  chunks: string[],
  gapMs: number,
  giveUpMs = 10_000,
  enough: (received: string) => boolean = () => false,
): Promise<Exchange> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    const started = Date.now();
    let received = '';
    let closed = false;
    const finish = () => {
      if (closed) return;
      closed = true;
      clearTimeout(giveUp);
      socket.destroy();
      resolve({ received, closedAfterMs: Date.now() - started });
    };
    const giveUp = setTimeout(finish, giveUpMs);
    socket.on('data', (d) => {
      received += d.toString();
      if (enough(received)) finish();
    });
    socket.on('close', finish);
    socket.on('error', finish);
    socket.once('connect', async () => {
      for (const chunk of chunks) {
        if (closed || socket.destroyed) return;
        socket.write(chunk);
        await new Promise((r) => setTimeout(r, gapMs));
      }
    });
  });
}

const statusOf = (received: string) => Number(/^HTTP\/1\.1 (\d{3})/.exec(received)?.[1] ?? 0);

describe('HTTP connection limits against slow and greedy clients', () => {
  let f: ApiFixture;
  let port: number;

  beforeAll(async () => {
    f = await startApiManager({
      headersTimeout: '400ms',
      requestTimeout: '800ms',
      keepAliveTimeout: '300ms',
      maxRequestsPerConnection: 3,
      maxHeaderBytes: 2048,
    });
    port = f.api.port!;
  });

  afterAll(async () => {
    await f?.manager.stop();
  });

  it('answers 408 to a client that drips its headers (slowloris) and closes the connection', async () => {
    const drip = [
      'GET /healthz HTTP/1.1\r\nHost: x\r\n',
      ...Array.from({ length: 40 }, (_, i) => `X-Drip-${i}: y\r\n`),
    ];
    const { received, closedAfterMs } = await converse(port, drip, 100);
    expect(statusOf(received)).toBe(408);
    // Cut at the headers timeout (plus the check interval), long before the 4 s of dripping.
    expect(closedAfterMs).toBeLessThan(2_000);
  });

  it('answers 408 to a client that drips its body, and stores nothing of it', async () => {
    const body = JSON.stringify({ task_type: 'echo', payload: { slow: 'x'.repeat(40) }, idempotency_key: 'slow-body' });
    const head = `POST /api/v1/tasks HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n`;
    const { received, closedAfterMs } = await converse(port, [head, ...body.split('')], 100);
    expect(statusOf(received)).toBe(408);
    expect(closedAfterMs).toBeLessThan(3_000);
    expect((await f.call('GET', '/api/v1/tasks/slow-body')).status).toBe(404);
  });

  it('answers 431 to a request head larger than maxHeaderBytes', async () => {
    const { received } = await converse(
      port,
      [`GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(4_000)}\r\n\r\n`],
      0,
    );
    expect(statusOf(received)).toBe(431);
  });

  it('closes an idle keep-alive connection after keepAliveTimeout', async () => {
    const { received, closedAfterMs } = await converse(port, ['GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n'], 0);
    expect(statusOf(received)).toBe(200);
    expect(closedAfterMs).toBeGreaterThanOrEqual(250);
    expect(closedAfterMs).toBeLessThan(2_000);
  });

  it('serves at most maxRequestsPerConnection requests on one connection', async () => {
    const request = 'GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n';
    const { received } = await converse(port, [request, request, request, request, request], 20);
    // Three served, the third with Connection: close; requests pipelined past it get Node's
    // 503 (retry on a new connection), and the connection ends.
    expect(received.match(/HTTP\/1\.1 200/g)).toHaveLength(3);
    const third = received.split('HTTP/1.1 200').at(3) ?? '';
    expect(third.toLowerCase()).toContain('connection: close');
    expect(received.match(/HTTP\/1\.1 (\d{3})/g)?.every((a) => a.endsWith('200') || a.endsWith('503'))).toBe(true);
  });

  it('by default serves a busy keep-alive client without a per-connection cap (no 503s past 1000 requests)', async () => {
    const g = await startApiManager({});
    try {
      // 1 200 requests pipelined 100 at a time on one connection, as a load generator does.
      const request = 'GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n';
      const batch = request.repeat(100);
      // Collected until 1 200 answers have come (or 5 s pass and the count check fails).
      const answers = (text: string) => text.match(/HTTP\/1\.1 (\d{3})/g)?.length ?? 0;
      const { received } = await converse(
        g.api.port!,
        Array.from({ length: 12 }, () => batch),
        20,
        5_000,
        (text) => answers(text) >= 1_200,
      );
      const statuses = received.match(/HTTP\/1\.1 (\d{3})/g) ?? [];
      expect(statuses).toHaveLength(1_200);
      expect(statuses.every((s) => s.endsWith('200'))).toBe(true);
    } finally {
      await g.manager.stop();
    }
  });

  it('refuses connections beyond maxConnections, and takes new ones once others close', async () => {
    const g = await startApiManager({ maxConnections: 2 });
    const open = () =>
      new Promise<net.Socket>((resolve, reject) => {
        const socket = net.connect({ host: '127.0.0.1', port: g.api.port! }, () => resolve(socket));
        socket.once('error', reject);
      });
    try {
      const held = [await open(), await open()];
      // Let the server count them before the third arrives.
      await new Promise((r) => setTimeout(r, 100));
      const third = await converse(g.api.port!, ['GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n'], 0, 3_000);
      expect(third.received).toBe('');
      expect(third.closedAfterMs).toBeLessThan(1_000);
      for (const socket of held) socket.destroy();
      await new Promise((r) => setTimeout(r, 100));
      const after = await converse(
        g.api.port!,
        ['GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n'],
        0,
        3_000,
      );
      expect(statusOf(after.received)).toBe(200);
    } finally {
      await g.manager.stop();
    }
  });
});
