import type { DashboardAssets } from './assets.ts';

export const UI_PATH = '/ui';
export const ASSETS_PATH = `${UI_PATH}/assets/`;

/**
 * Only this origin, no inline script or style: the page shows payloads, errors and log lines
 * that anyone who can create a task wrote, and Preact renders them as text.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "connect-src 'self'",
  "img-src 'self' data:",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

export function pageHtml(assets: DashboardAssets): string {
  const version = (name: string) => `${ASSETS_PATH}${name}?v=${assets.get(name)?.hash ?? ''}`;
  return `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <title>Task manager</title>
    <link rel="icon" href="data:," />
    <link rel="stylesheet" href="${version('app.css')}" />
    <script type="module" src="${version('app.js')}"></script>
  </head>
  <body>
    <div id="app"></div>
    <noscript>The dashboard needs JavaScript; the API itself is at /api/v1 and documented at /docs.</noscript>
  </body>
</html>
`;
}
