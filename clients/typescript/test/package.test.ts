/**
 * The client as a package: its checked-in types match what the live server's OpenAPI document
 * generates, and the built JavaScript (what `npm pack` ships) works against a live server.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateTypes, TYPES_FILE } from '../scripts/openapi-types.mjs';
import type * as ClientModule from '../src/index.ts';
import { startLiveServer, type LiveServer } from './live-server.ts';

const CLIENT_DIR = fileURLToPath(new URL('../', import.meta.url));
let server: LiveServer;

beforeAll(async () => {
  server = await startLiveServer();
}, 40_000);

afterAll(async () => {
  await server?.stop();
});

describe('the TypeScript client package', () => {
  it('has types generated from the live /openapi.json (regenerate with npm run generate when this fails)', async () => {
    const document = (await (await fetch(`${server.baseUrl}/openapi.json`)).json()) as Record<string, unknown>;
    const expected = await generateTypes(document);
    const checkedIn = await readFile(TYPES_FILE, 'utf8');
    expect(
      checkedIn === expected,
      `clients/typescript/src/openapi-types.ts differs from what the server's OpenAPI document generates; ` +
        `run \`npm start\` and \`npm run generate -w @async-task-manager/client -- http://localhost:8080\``,
    ).toBe(true);
  });

  it('builds to JavaScript that creates a task and waits for SUCCESS', async () => {
    const outDir = await mkdtemp(path.join(os.tmpdir(), 'tm-ts-client-'));
    try {
      // The package's own compiler (TypeScript 5, a dev dependency of the workspace).
      const tsc = createRequire(path.join(CLIENT_DIR, 'package.json')).resolve('typescript/bin/tsc');
      await promisify(execFile)(process.execPath, [tsc, '-p', 'tsconfig.build.json', '--outDir', outDir], {
        cwd: CLIENT_DIR,
      });
      const built = (await import(pathToFileURL(path.join(outDir, 'index.js')).href)) as typeof ClientModule;
      const client = new built.TaskManagerClient({ baseUrl: server.baseUrl });
      const { task_id } = await client.createTask({ task_type: 'echo', payload: { built: true } });
      const task = await client.waitForTask(task_id, { timeoutMs: 10_000 });
      expect(task).toMatchObject({ status: 'SUCCESS', result: { built: true } });
      const declarations = await readFile(path.join(outDir, 'index.d.ts'), 'utf8');
      expect(declarations).toContain('TaskManagerClient');
    } finally {
      await rm(outDir, { recursive: true, force: true });
    }
  }, 60_000);
});
