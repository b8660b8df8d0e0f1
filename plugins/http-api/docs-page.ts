import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { z } from '@hono/zod-openapi';
import type { ApiApp } from './routes/shared.ts';

export const DOCS_PATH = '/docs';
export const DOCS_ASSETS_PREFIX = '/docs/assets/';

/**
 * The API reference page: Swagger UI from the `swagger-ui-dist` package, served by this
 * process (no CDN: it works with no internet), rendering /openapi.json. The online validator
 * badge is off, so the page makes no request elsewhere.
 */
const PAGE = (openApiPath: string) => `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <title>async-task-manager API</title>
    <link rel="stylesheet" href="${DOCS_ASSETS_PREFIX}swagger-ui.css" />
  </head>
  <body>
    <div id="swagger-ui" data-url="${openApiPath}"></div>
    <script src="${DOCS_ASSETS_PREFIX}swagger-ui-bundle.js"></script>
    <script src="${DOCS_ASSETS_PREFIX}docs.js"></script>
  </body>
</html>
`;

// A file rather than an inline script, so a Content-Security-Policy without 'unsafe-inline' allows it.
const INIT_SCRIPT = `(function () {
  var root = document.getElementById('swagger-ui');
  window.ui = SwaggerUIBundle({
    url: root.dataset.url,
    domNode: root,
    deepLinking: true,
    validatorUrl: null,
    presets: [SwaggerUIBundle.presets.apis],
    layout: 'BaseLayout',
  });
})();
`;

interface Asset {
  body: Uint8Array<ArrayBuffer>;
  etag: string;
  type: string;
}

const VENDOR_FILES: Record<string, string> = {
  'swagger-ui.css': 'text/css; charset=utf-8',
  'swagger-ui-bundle.js': 'text/javascript; charset=utf-8',
};

const require = createRequire(import.meta.url);

function asset(bytes: Uint8Array, type: string): Asset {
  const body = new Uint8Array(bytes);
  return { body, type, etag: `"${createHash('sha1').update(body).digest('base64url')}"` };
}

/** Reads each file once, on first use: a process whose docs nobody opens keeps nothing in memory. */
class DocsAssets {
  private readonly loaded = new Map<string, Promise<Asset>>();

  get(file: string): Promise<Asset> | undefined {
    if (file === 'docs.js')
      return Promise.resolve(asset(new TextEncoder().encode(INIT_SCRIPT), 'text/javascript; charset=utf-8'));
    const type = VENDOR_FILES[file];
    if (!type) return undefined;
    let pending = this.loaded.get(file);
    if (!pending) {
      const directory = path.dirname(require.resolve('swagger-ui-dist/package.json'));
      pending = readFile(path.join(directory, file)).then((body) => asset(body, type));
      this.loaded.set(file, pending);
    }
    return pending;
  }
}

export function registerDocsPage(app: ApiApp, openApiPath: string): void {
  const assets = new DocsAssets();
  const page = PAGE(openApiPath);

  app.openAPIRegistry.registerPath({
    method: 'get',
    path: DOCS_PATH,
    tags: ['docs'],
    summary: 'Browsable API reference (HTML)',
    security: [],
    responses: { 200: { description: 'HTML page', content: { 'text/html': { schema: z.string() } } } },
  });
  app.openAPIRegistry.registerPath({
    method: 'get',
    path: `${DOCS_ASSETS_PREFIX}{file}`,
    tags: ['docs'],
    summary: 'The scripts and styles of the API reference page',
    security: [],
    request: {
      params: z.object({
        file: z.string().openapi({ param: { name: 'file', in: 'path' }, example: 'swagger-ui.css' }),
      }),
    },
    responses: { 200: { description: 'The file' }, 404: { description: 'No such file' } },
  });

  app.get(DOCS_PATH, (c) => c.html(page));
  app.get(`${DOCS_ASSETS_PREFIX}:file`, async (c) => {
    const found = await assets.get(c.req.param('file'))?.catch(() => undefined);
    if (!found) return c.notFound();
    const headers = { 'content-type': found.type, etag: found.etag, 'cache-control': 'public, max-age=3600' };
    if (c.req.header('if-none-match') === found.etag) return c.body(null, 304, headers);
    return c.body(found.body, 200, headers);
  });
}
