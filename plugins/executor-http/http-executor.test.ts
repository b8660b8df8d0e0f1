import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isNonRetryable, NonRetryableError, type Executor, type JsonObject } from '../../core/index.ts';
import { httpExecutor } from './index.ts';
import { createFakePluginContext } from '../../test/helpers/fake-plugin-context.ts';
import { makeExecutionContext, makeTask } from '../../test/helpers/plugin-fixtures.ts';

interface Received {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

const received: Received[] = [];
const pendingResponses = new Set<http.ServerResponse>();
let server: http.Server;
let baseUrl: string;
let executor: Executor;
/** The default options: public addresses only. */
let guarded: Executor;

/** Routes by path: /status/<code> answers that code; /slow never answers until the test ends. */
function handle(req: http.IncomingMessage, res: http.ServerResponse, body: string): void {
  received.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
  const path = req.url ?? '/';
  if (path === '/slow') {
    pendingResponses.add(res);
    res.on('close', () => pendingResponses.delete(res));
    return;
  }
  if (path === '/text') {
    res.writeHead(200, { 'content-type': 'text/plain' }).end('plain answer');
    return;
  }
  if (path === '/big') {
    res.writeHead(200, { 'content-type': 'text/plain' }).end('x'.repeat(200 * 1024));
    return;
  }
  const status = Number(/^\/status\/(\d{3})/.exec(path)?.[1] ?? 200);
  res
    .writeHead(status, { 'content-type': 'application/json' })
    .end(
      JSON.stringify(status < 300 ? { ok: true, echo: body ? JSON.parse(body) : null } : { error: `code ${status}` }),
    );
}

beforeAll(async () => {
  server = http.createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (body += chunk));
    req.on('end', () => handle(req, res, body));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const ctx = createFakePluginContext();
  await httpExecutor({ allowedHosts: ['127.0.0.1'] }).setup?.(ctx);
  executor = ctx.executors[0]!;
  const guardedCtx = createFakePluginContext();
  await httpExecutor().setup?.(guardedCtx);
  guarded = guardedCtx.executors[0]!;
});

afterAll(async () => {
  for (const res of pendingResponses) res.destroy();
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

function run(payload: JsonObject, executorConfig: JsonObject = {}, signal?: AbortSignal, using = executor) {
  const task = makeTask({ taskType: 'http_request', payload });
  return using.execute(task, makeExecutionContext({ executorConfig, ...(signal ? { signal } : {}) }));
}

describe('executor-http: address guard (the default)', () => {
  it.each([
    ['loopback by IP', () => `${baseUrl}/status/200`],
    ['loopback by name', () => baseUrl.replace('127.0.0.1', 'localhost')],
    ['IPv6 loopback', () => 'http://[::1]:8081/'],
    ['an IPv4-mapped IPv6 loopback', () => 'http://[::ffff:127.0.0.1]:8081/'],
    ['cloud metadata (link-local)', () => 'http://169.254.169.254/latest/meta-data/'],
    ['a private network', () => 'http://10.0.0.1/'],
    ['the unspecified address', () => 'http://0.0.0.0:8081/'],
    ['a decimal-encoded loopback', () => 'http://2130706433:8081/'],
  ])('refuses %s, non-retryable, before any request reaches it', async (_name, url) => {
    const before = received.length;
    const error = await run({ url: url() }, {}, undefined, guarded).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(Error);
    expect(isNonRetryable(error)).toBe(true);
    expect((error as Error).message).toMatch(/refusing to connect.*not a public address/);
    expect(received.length).toBe(before);
  });

  it('refuses a redirect from an allowed host to an internal one', async () => {
    const redirector = http.createServer((_req, res) =>
      res.writeHead(302, { location: `${baseUrl}/status/200` }).end(),
    );
    await new Promise<void>((resolve) => redirector.listen(0, '127.0.0.2', resolve));
    const ctx = createFakePluginContext();
    await httpExecutor({ allowedHosts: ['127.0.0.2'] }).setup?.(ctx);
    const before = received.length;
    try {
      const port = (redirector.address() as AddressInfo).port;
      await expect(run({ url: `http://127.0.0.2:${port}/` }, {}, undefined, ctx.executors[0]!)).rejects.toThrow(
        /refusing to connect/,
      );
      expect(received.length).toBe(before);
    } finally {
      redirector.closeAllConnections();
      await new Promise<void>((resolve) => redirector.close(() => resolve()));
    }
  });

  it('reaches an internal host named in allowedHosts, by IP, CIDR or name', async () => {
    for (const allowedHosts of [['127.0.0.1'], ['127.0.0.0/8'], ['localhost']]) {
      const ctx = createFakePluginContext();
      await httpExecutor({ allowedHosts }).setup?.(ctx);
      const url = allowedHosts[0] === 'localhost' ? baseUrl.replace('127.0.0.1', 'localhost') : baseUrl;
      await expect(run({ url: `${url}/status/200` }, {}, undefined, ctx.executors[0]!)).resolves.toMatchObject({
        status_code: 200,
      });
    }
  });

  it('refuses a malformed allowedHosts entry when the config is read', async () => {
    await expect(async () =>
      httpExecutor({ allowedHosts: ['not a host!'] }).setup?.(createFakePluginContext()),
    ).rejects.toThrow(/allowedHosts/);
  });
});

describe('executor-http', () => {
  it('registers type http for http_request and webhook by default', () => {
    expect(executor.type).toBe('http');
    expect(executor.taskTypes).toEqual(['http_request', 'webhook']);
  });

  it('POSTs the payload as JSON to executorConfig.url with its headers and returns the parsed 2xx body', async () => {
    const result = await run({ order: 42 }, { url: `${baseUrl}/status/200`, headers: { 'x-api-key': 'k1' } });
    expect(result).toEqual({ status_code: 200, body: { ok: true, echo: { order: 42 } } });
    const request = received.at(-1)!;
    expect(request.method).toBe('POST');
    expect(request.headers['content-type']).toBe('application/json');
    expect(request.headers['x-api-key']).toBe('k1');
  });

  it("sends the attempt's traceparent while tracing is on, unless the task's headers name one", async () => {
    const traceParent = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
    const traced = (headers: Record<string, string>) =>
      executor.execute(
        makeTask({ taskType: 'http_request', payload: {} }),
        makeExecutionContext({ executorConfig: { url: `${baseUrl}/status/200`, headers }, traceParent }),
      );
    await traced({});
    expect(received.at(-1)!.headers.traceparent).toBe(traceParent);
    await traced({ TraceParent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' });
    expect(received.at(-1)!.headers.traceparent).toBe('00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01');
    await run({}, { url: `${baseUrl}/status/200` });
    expect(received.at(-1)!.headers.traceparent).toBeUndefined();
  });

  it('uses the configured method and payload.url when the config has no url', async () => {
    await run({ order: 1 }, { url: `${baseUrl}/status/201`, method: 'put' });
    expect(received.at(-1)!.method).toBe('PUT');
    const result = await run({ url: `${baseUrl}/status/200`, method: 'PATCH', body: { only: 'this' } });
    expect(result).toEqual({ status_code: 200, body: { ok: true, echo: { only: 'this' } } });
    expect(received.at(-1)!.method).toBe('PATCH');
  });

  it('returns text bodies as text and truncates them to 64 KiB', async () => {
    expect(await run({}, { url: `${baseUrl}/text` })).toEqual({ status_code: 200, body: 'plain answer' });
    const big = (await run({}, { url: `${baseUrl}/big` })) as { body: string };
    expect(big.body).toHaveLength(64 * 1024);
  });

  it('fails a 4xx as non-retryable, with the status and a body excerpt', async () => {
    const failure = run({}, { url: `${baseUrl}/status/400` });
    await expect(failure).rejects.toBeInstanceOf(NonRetryableError);
    await expect(failure).rejects.toThrow(/HTTP 400: .*code 400/);
  });

  it.each([503, 500, 408, 429])('fails a %i as retryable', async (status) => {
    const error = await run({}, { url: `${baseUrl}/status/${status}` }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    expect(isNonRetryable(error)).toBe(false);
    expect((error as Error).message).toContain(`HTTP ${status}`);
  });

  it('fails a network error as retryable', async () => {
    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const error = await run({}, { url: `http://127.0.0.1:${port}/` }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    expect(isNonRetryable(error)).toBe(false);
  });

  it('rejects a missing or invalid url as non-retryable', async () => {
    await expect(run({ a: 1 })).rejects.toBeInstanceOf(NonRetryableError);
    await expect(run({}, { url: 'not a url' })).rejects.toBeInstanceOf(NonRetryableError);
    await expect(run({}, { url: 'ftp://example.com/x' })).rejects.toBeInstanceOf(NonRetryableError);
  });

  it('rejects promptly with the signal reason when the signal aborts mid-request', async () => {
    const controller = new AbortController();
    const before = received.length;
    const pending = run({}, { url: `${baseUrl}/slow` }, controller.signal);
    // Abort only once the server holds the request, so the abort happens mid-request.
    await expect.poll(() => received.length).toBeGreaterThan(before);
    const reason = new Error('Task cancelled');
    const abortedAt = Date.now();
    controller.abort(reason);
    await expect(pending).rejects.toBe(reason);
    expect(Date.now() - abortedAt).toBeLessThan(500);
  });
});
