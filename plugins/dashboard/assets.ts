import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

export interface Asset {
  body: Uint8Array<ArrayBuffer>;
  type: string;
  /** Short content hash: the page links `?v=<hash>`, so the files can be cached for good. */
  hash: string;
}

export type DashboardAssets = ReadonlyMap<string, Asset>;

const CLIENT = new URL('./client/', import.meta.url);

function asset(bytes: Uint8Array, type: string): Asset {
  const body = new Uint8Array(bytes);
  return { body, type, hash: createHash('sha256').update(body).digest('base64url').slice(0, 12) };
}

/**
 * The browser code, built in memory when the process starts (no build step, no file written):
 * esbuild bundles client/main.tsx with Preact into one ES module, and the stylesheet is served
 * as written. Nothing is fetched from anywhere but this process.
 */
export async function buildAssets(): Promise<DashboardAssets> {
  const [bundle, css] = await Promise.all([
    build({
      entryPoints: [fileURLToPath(new URL('main.tsx', CLIENT))],
      bundle: true,
      write: false,
      format: 'esm',
      platform: 'browser',
      target: ['es2022'],
      jsx: 'automatic',
      jsxImportSource: 'preact',
      minify: true,
      legalComments: 'eof',
      logLevel: 'silent',
    }),
    readFile(new URL('style.css', CLIENT)),
  ]);
  const script = bundle.outputFiles[0];
  if (!script) throw new Error('the dashboard bundle came out empty');
  return new Map([
    ['app.js', asset(script.contents, 'text/javascript; charset=utf-8')],
    ['app.css', asset(css, 'text/css; charset=utf-8')],
  ]);
}
