import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTaskManager, loadConfig, type TaskManager } from '../../core/index.ts';
import { waitFor } from '../../test/helpers/wait.ts';

const configPath = fileURLToPath(new URL('./taskmanager.config.ts', import.meta.url));

let app: TaskManager;
let server: Server;
let baseUrl: string;
/** Responses of /slow kept open until the test ends (the executor must give up on its own). */
const held: ServerResponse[] = [];

beforeAll(async () => {
  server = createServer((request, response) => {
    if (request.url === '/doc') {
      response.end('the quick brown fox\njumps over the lazy dog\nthe end\n');
    } else if (request.url === '/slow') {
      response.writeHead(200, { 'content-type': 'text/plain', 'content-length': '1000000' });
      response.write('a first chunk of words ');
      held.push(response);
    } else {
      response.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const { config } = await loadConfig({ path: configPath });
  // Scheduler and worker only: the HTTP API is built but nothing listens.
  app = await createTaskManager(config, { env: { TM_ROLES: 'scheduler,worker' }, logger: pino({ level: 'silent' }) });
  await app.start();
});

afterAll(async () => {
  await app?.stop();
  for (const response of held) response.destroy();
  server?.closeAllConnections();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
});

async function settled(taskId: string, statuses: string[]) {
  return waitFor(
    async () => {
      const task = await app.services.tasks.get(taskId);
      return statuses.includes(task.status) ? task : undefined;
    },
    { timeoutMs: 5_000, message: `task ${taskId} to reach ${statuses.join('|')}` },
  );
}

describe('examples/custom-executor', () => {
  it('loads the example config with the plugin and nothing listening', () => {
    expect(app.roles).toEqual(['scheduler', 'worker']);
    expect(app.plugins.map((p) => p.name)).toContain('executor-word-count');
    expect(app.config.taskTypes.map((t) => t.taskType)).toEqual(['word_count']);
  });

  it('counts the words of a text', async () => {
    const { taskId } = (
      await app.services.tasks.create({
        taskType: 'word_count',
        payload: { text: 'To be, or not to be: that is the question.' },
      })
    ).task;
    const task = await settled(taskId, ['SUCCESS', 'FAILED']);
    expect(task.status).toBe('SUCCESS');
    expect(task.result).toEqual({
      words: 10,
      lines: 0,
      bytes: 42,
      top: [
        { word: 'be', count: 2 },
        { word: 'to', count: 2 },
        { word: 'is', count: 1 },
      ],
    });
    const logs = await app.services.tasks.logs(taskId);
    expect(logs.map((l) => l.message)).toContain('counted 10 words');
  });

  it('streams a document from a URL', async () => {
    const { taskId } = (await app.services.tasks.create({ taskType: 'word_count', payload: { url: `${baseUrl}/doc` } }))
      .task;
    const task = await settled(taskId, ['SUCCESS', 'FAILED']);
    expect(task.status).toBe('SUCCESS');
    expect(task.result).toMatchObject({
      words: 11,
      lines: 3,
      top: [
        { word: 'the', count: 3 },
        { word: 'brown', count: 1 },
        { word: 'dog', count: 1 },
      ],
    });
  });

  it('stops reading when the task is cancelled', async () => {
    const { taskId } = (
      await app.services.tasks.create({ taskType: 'word_count', payload: { url: `${baseUrl}/slow` } })
    ).task;
    await settled(taskId, ['PROCESSING']);
    await waitFor(() => held.length > 0, { message: 'the executor to start reading' });
    const cancelled = await app.services.tasks.cancel(taskId);
    expect(cancelled.status).toBe('CANCELLED');
    // The aborted fetch closes its connection: the server sees the client go away.
    await waitFor(() => held.every((response) => response.destroyed || response.writableEnded || response.closed), {
      message: 'the request to be aborted',
    });
    const final = await app.services.tasks.get(taskId);
    expect(final.status).toBe('CANCELLED');
    expect(final.result).toBeNull();
  });

  it('fails at once, without retrying, on a NonRetryableError', async () => {
    const missingInput = await app.services.tasks.create({ taskType: 'word_count', payload: { words: 3 } });
    const notFound = await app.services.tasks.create({
      taskType: 'word_count',
      payload: { url: `${baseUrl}/missing` },
    });
    for (const [taskId, message] of [
      [missingInput.task.taskId, 'payload needs "text"'],
      [notFound.task.taskId, 'answered 404'],
    ] as const) {
      const task = await settled(taskId, ['FAILED', 'SUCCESS']);
      expect(task.status).toBe('FAILED');
      expect(task.retryCount).toBe(0);
      expect(task.errorMsg).toContain(message);
    }
  });
});
