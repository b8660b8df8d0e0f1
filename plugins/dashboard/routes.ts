import type { HttpRoute, Logger } from '../../core/index.ts';
import type { Asset, DashboardAssets } from './assets.ts';
import { ASSETS_PATH, CONTENT_SECURITY_POLICY, pageHtml, UI_PATH } from './page.ts';

const SECURITY_HEADERS = {
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
};

/**
 * GET /ui (the page), /ui/ (to /ui) and /ui/assets/:file. All public: the page holds no data
 * and asks for an API key itself when the API wants one.
 */
export function dashboardRoutes(assets: () => Promise<DashboardAssets>, logger: Logger): HttpRoute[] {
  const failed = (error: unknown) => {
    logger.error({ err: error }, 'the dashboard could not be built');
    return new Response('The dashboard could not be built; the server log says why.', {
      status: 500,
      headers: { 'content-type': 'text/plain; charset=utf-8' },
    });
  };
  return [
    {
      method: 'GET',
      path: UI_PATH,
      public: true,
      summary: 'The web dashboard (HTML)',
      async handle() {
        try {
          return new Response(pageHtml(await assets()), {
            headers: {
              'content-type': 'text/html; charset=utf-8',
              'cache-control': 'no-cache',
              'content-security-policy': CONTENT_SECURITY_POLICY,
              ...SECURITY_HEADERS,
            },
          });
        } catch (error) {
          return failed(error);
        }
      },
    },
    {
      method: 'GET',
      path: `${UI_PATH}/`,
      public: true,
      summary: 'Redirects to /ui',
      handle: () => new Response(null, { status: 308, headers: { location: UI_PATH } }),
    },
    {
      method: 'GET',
      path: `${ASSETS_PATH}:file`,
      public: true,
      summary: "The dashboard's script and stylesheet",
      async handle(request) {
        const name = decodeURIComponent(new URL(request.url).pathname.slice(ASSETS_PATH.length));
        let found: Asset | undefined;
        try {
          found = (await assets()).get(name);
        } catch (error) {
          return failed(error);
        }
        if (!found)
          return new Response('not found', { status: 404, headers: { 'content-type': 'text/plain; charset=utf-8' } });
        const etag = `"${found.hash}"`;
        const headers = {
          'content-type': found.type,
          etag,
          'cache-control': 'public, max-age=31536000, immutable',
          ...SECURITY_HEADERS,
        };
        if (request.headers.get('if-none-match') === etag) return new Response(null, { status: 304, headers });
        return new Response(found.body, { headers });
      },
    },
  ];
}
