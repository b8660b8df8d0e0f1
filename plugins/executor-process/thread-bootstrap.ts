import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';

/**
 * The source a handler thread starts from. Threads do not inherit the TypeScript loader of
 * the process (tsx registers its hooks per thread), so the thread registers tsx first, then
 * imports handler-thread.ts; handler modules may then be TypeScript or JavaScript.
 */
export function threadBootstrapSource(): string {
  const entry = new URL('./handler-thread.ts', import.meta.url).href;
  return `import(${JSON.stringify(tsxEsmApiUrl())})
  .then(({ register }) => { register(); return import(${JSON.stringify(entry)}); });`;
}

let cached: string | undefined;

/** tsx's ESM register API, found through its package.json exports (the thread has no resolver context). */
function tsxEsmApiUrl(): string {
  if (cached) return cached;
  const require = createRequire(import.meta.url);
  const manifestPath = require.resolve('tsx/package.json');
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as {
    exports: Record<string, { import: { default: string } | string }>;
  };
  const target = manifest.exports['./esm/api']?.import;
  const relative = typeof target === 'string' ? target : target?.default;
  if (!relative) throw new Error('executor-process: tsx has no ./esm/api export');
  cached = pathToFileURL(join(dirname(manifestPath), relative)).href;
  return cached;
}
