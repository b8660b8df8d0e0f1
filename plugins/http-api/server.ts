import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';

export interface RunningServer {
  readonly port: number;
  close(): Promise<void>;
}

/** What one connection may take from the server (the `http` section, docs/configuration.md). */
export interface ConnectionLimits {
  /** All request headers must arrive within this (slowloris); else 408 and the connection closes. */
  headersTimeoutMs: number;
  /** The whole request, headers and body, must arrive within this; else 408. */
  requestTimeoutMs: number;
  /** An idle keep-alive connection is closed after this. */
  keepAliveTimeoutMs: number;
  /** Requests served on one keep-alive connection before it is closed; 0 = no limit. */
  maxRequestsPerConnection: number;
  /** Largest request head (request line and headers) in bytes; larger is 431. */
  maxHeaderBytes: number;
  /** Connections open at once; more are refused. 0 = no limit. */
  maxConnections: number;
}

/** How long open keep-alive connections may finish their requests before they are cut. */
const CLOSE_GRACE_MS = 5_000;

/** Listens and resolves once the socket is bound (or rejects, e.g. EADDRINUSE). */
export function listen(
  fetch: (request: Request) => Response | Promise<Response>,
  port: number,
  hostname: string,
  limits: ConnectionLimits,
): Promise<RunningServer> {
  return new Promise((resolve, reject) => {
    const server = serve(
      {
        fetch,
        port,
        hostname,
        serverOptions: {
          headersTimeout: limits.headersTimeoutMs,
          requestTimeout: limits.requestTimeoutMs,
          keepAliveTimeout: limits.keepAliveTimeoutMs,
          maxHeaderSize: limits.maxHeaderBytes,
          // Node checks the two timeouts above every 30 s by default: a slow client would get
          // up to 30 s more than it is allowed.
          connectionsCheckingInterval: Math.max(50, Math.min(1_000, limits.headersTimeoutMs / 4)),
        },
      },
      (info: AddressInfo) => {
        server.off('error', reject);
        resolve({ port: info.port, close: () => closeServer(server as Server) });
      },
    ) as Server;
    server.maxRequestsPerSocket = limits.maxRequestsPerConnection;
    if (limits.maxConnections > 0) server.maxConnections = limits.maxConnections;
    server.once('error', reject);
  });
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    const force = setTimeout(() => server.closeAllConnections(), CLOSE_GRACE_MS);
    force.unref();
    server.close(() => {
      clearTimeout(force);
      resolve();
    });
    server.closeIdleConnections();
  });
}
