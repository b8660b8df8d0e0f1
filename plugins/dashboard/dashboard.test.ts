/**
 * What the dashboard plugin serves, through the HTTP API of an in-process app: the page with
 * its security headers, the bundled script and stylesheet with their caching, public routes
 * when API keys are set, the switch to turn it off, and a valid OpenAPI document.
 */
import SwaggerParser from '@apidevtools/swagger-parser';
import { afterEach, describe, expect, it } from 'vitest';
import { createTaskManager, type TaskManager } from '../../core/index.ts';
import { silentLogger } from '../../test/helpers/fake-plugin-context.ts';
import { httpApi, type HttpApiPlugin } from '../http-api/index.ts';
import { memoryQueue } from '../queue-memory/index.ts';
import { memoryStorage } from '../storage-memory/index.ts';
import { dashboard } from './index.ts';

describe('dashboard plugin', () => {
  let manager: TaskManager | undefined;
  afterEach(async () => {
    await manager?.stop();
    manager = undefined;
  });

  async function start(apiKeys: string[] = [], env: Record<string, string> = {}): Promise<HttpApiPlugin> {
    const api = httpApi({ apiKeys });
    manager = await createTaskManager(
      {
        app: { port: 0, host: '127.0.0.1', logLevel: 'silent' },
        roles: ['api'],
        plugins: [memoryStorage(), memoryQueue(), api, dashboard()],
      },
      { env, logger: silentLogger() },
    );
    await manager.start();
    return api;
  }

  it('serves the page with a strict Content-Security-Policy, and its versioned assets', async () => {
    const app = (await start()).app!;
    const page = await app.request('/ui');
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(page.headers.get('content-security-policy')).not.toContain('unsafe-inline');
    const html = await page.text();
    const script = /src="(\/ui\/assets\/app\.js\?v=[\w-]+)"/.exec(html)?.[1];
    const style = /href="(\/ui\/assets\/app\.css\?v=[\w-]+)"/.exec(html)?.[1];
    expect(script).toBeDefined();
    expect(style).toBeDefined();
    // Nothing from elsewhere: every URL in the page is this server's.
    expect(html).not.toMatch(/https?:\/\//);

    const js = await app.request(script!);
    expect(js.status).toBe(200);
    expect(js.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(js.headers.get('cache-control')).toContain('immutable');
    const code = await js.text();
    expect(code).toContain('/api/v1/events');
    expect(code).not.toMatch(/from\s*["'](preact|\.\/)/);
    const again = await app.request(script!, { headers: { 'if-none-match': js.headers.get('etag')! } });
    expect(again.status).toBe(304);

    const css = await app.request(style!);
    expect(css.headers.get('content-type')).toBe('text/css; charset=utf-8');
    expect(await css.text()).toContain('@media (max-width: 640px)');

    expect((await app.request('/ui/assets/nope.js')).status).toBe(404);
    const slash = await app.request('/ui/');
    expect(slash.status).toBe(308);
    expect(slash.headers.get('location')).toBe('/ui');
  });

  it('is public when API keys are set (the page asks for one), while the API is not', async () => {
    const app = (await start(['dash-key'])).app!;
    expect((await app.request('/ui')).status).toBe(200);
    const html = await (await app.request('/ui')).text();
    const script = /src="([^"]+)"/.exec(html)![1]!;
    expect((await app.request(script)).status).toBe(200);
    expect((await app.request('/api/v1/stats')).status).toBe(401);
    expect((await app.request('/ui/other')).status).toBe(401);
  });

  it('is off with TM_DASHBOARD_ENABLED=false', async () => {
    const app = (await start([], { TM_DASHBOARD_ENABLED: 'false' })).app!;
    expect((await app.request('/ui')).status).toBe(404);
  });

  it('keeps the OpenAPI document valid with its routes in it', async () => {
    const app = (await start(['dash-key'])).app!;
    const doc = (await (await app.request('/openapi.json')).json()) as {
      paths: Record<string, { get?: { security?: unknown[] } }>;
    };
    expect(doc.paths['/ui']?.get?.security).toEqual([]);
    expect(doc.paths['/ui/assets/{file}']?.get).toBeDefined();
    expect(doc.paths['/api/v1/events']?.get).toBeDefined();
    expect(doc.paths['/docs/assets/{file}']?.get?.security).toEqual([]);
    await expect(SwaggerParser.validate(structuredClone(doc) as never)).resolves.toBeTruthy();
  });
});
