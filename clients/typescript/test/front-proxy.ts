/**
 * An HTTP server in front of the live server that forwards every request, except those a
 * test answers itself: to make the server look unavailable (503) for a while, or to serve
 * GET /api/v1/events where the server has none yet. The tasks behind it stay real.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type Intercept = (req: IncomingMessage, res: ServerResponse) => boolean | Promise<boolean>;

export interface FrontProxy {
  baseUrl: string;
  /** Requests seen, as "METHOD /path?query". */
  seen: string[];
  intercept: Intercept | undefined;
  close(): Promise<void>;
}

export async function startFrontProxy(target: string): Promise<FrontProxy> {
  const proxy: FrontProxy = { baseUrl: '', seen: [], intercept: undefined, close: async () => undefined };
  const server: Server = createServer(async (req, res) => {
    proxy.seen.push(`${req.method} ${req.url}`);
    try {
      if (proxy.intercept && (await proxy.intercept(req, res))) return;
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      const headers = Object.fromEntries(
        Object.entries(req.headers).filter(([name]) => !['host', 'connection', 'content-length'].includes(name)),
      ) as Record<string, string>;
      const answer = await fetch(`${target}${req.url}`, {
        method: req.method,
        headers,
        body: chunks.length ? Buffer.concat(chunks) : undefined,
      });
      res.writeHead(answer.status, { 'content-type': answer.headers.get('content-type') ?? 'application/json' });
      res.end(Buffer.from(await answer.arrayBuffer()));
    } catch (error) {
      res.writeHead(502).end(String(error));
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  proxy.baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  proxy.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return proxy;
}
