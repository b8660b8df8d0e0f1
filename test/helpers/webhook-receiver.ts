import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedRequest {
  body: Record<string, unknown>;
  headers: http.IncomingHttpHeaders;
  /** Status this receiver answered. */
  status: number;
}

export interface WebhookReceiver {
  url: string;
  /** Every request, in arrival order (failed ones included). */
  requests: ReceivedRequest[];
  /** Requests answered 2xx. */
  accepted(): Record<string, unknown>[];
  /** The status for the next requests, in order; afterwards 200. */
  answerNext(...statuses: number[]): void;
  /** Requests wait (no answer) until release() is called. */
  hold(): void;
  release(): void;
  close(): Promise<void>;
}

/** A real HTTP server on a free port that records the JSON alerts POSTed to it. */
export async function startWebhookReceiver(): Promise<WebhookReceiver> {
  const requests: ReceivedRequest[] = [];
  const scripted: number[] = [];
  let held: (() => void)[] | undefined;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const answer = () => {
        const status = scripted.shift() ?? 200;
        let body: Record<string, unknown>;
        try {
          body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>;
        } catch {
          body = { unparsable: Buffer.concat(chunks).toString('utf8') };
        }
        requests.push({ body, headers: req.headers, status });
        res.writeHead(status, { 'content-type': 'text/plain' }).end(status < 300 ? 'ok' : 'no');
      };
      if (held) held.push(answer);
      else answer();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hooks/alerts`,
    requests,
    accepted: () => requests.filter((r) => r.status < 300).map((r) => r.body),
    answerNext: (...statuses) => void scripted.push(...statuses),
    hold: () => void (held ??= []),
    release: () => {
      const waiting = held ?? [];
      held = undefined;
      for (const answer of waiting) answer();
    },
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
