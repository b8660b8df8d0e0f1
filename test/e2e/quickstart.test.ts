/**
 * The README QUICKSTART against the real CLI: `node bin/taskmanager.mjs start` with the root
 * taskmanager.config.ts, driven over HTTP the way a user would with curl.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { taskServiceClient } from '../helpers/grpc-client.ts';
import { waitFor } from '../helpers/wait.ts';

const root = fileURLToPath(new URL('../../', import.meta.url));

interface Envelope<T = Record<string, unknown>> {
  code: number;
  message: string;
  data: T;
}

let child: ChildProcess | undefined;
let output = '';
let baseUrl: string;
let grpcAddress: string;

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

async function api<T = Record<string, unknown>>(method: string, path: string, body?: unknown) {
  const response = await fetch(`${baseUrl}${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Envelope<T> };
}

async function taskWhen(taskId: string, status: string, timeoutMs = 10_000) {
  return waitFor(
    async () => {
      const { body } = await api(`GET`, `/api/v1/tasks/${taskId}`);
      return body.data.status === status ? body.data : undefined;
    },
    { timeoutMs, intervalMs: 50, message: `task ${taskId} to be ${status}` },
  );
}

beforeAll(async () => {
  const port = await freePort();
  const grpcPort = await freePort();
  baseUrl = `http://127.0.0.1:${port}`;
  grpcAddress = `127.0.0.1:${grpcPort}`;
  // The parent's TM_* variables must not change what the quickstart does.
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('TM_')));
  child = spawn(process.execPath, ['bin/taskmanager.mjs', 'start'], {
    cwd: root,
    env: { ...env, TM_PORT: String(port), TM_GRPC_PORT: String(grpcPort), TM_APP_LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  await waitFor(
    async () => {
      if (child?.exitCode !== null) throw new Error(`taskmanager exited with ${child?.exitCode}:\n${output}`);
      try {
        return (await fetch(`${baseUrl}/healthz`)).ok;
      } catch {
        return false; // not listening yet
      }
    },
    { timeoutMs: 20_000, intervalMs: 100, message: `/healthz on ${baseUrl}` },
  );
}, 30_000);

afterAll(async () => {
  if (child && child.exitCode === null && child.signalCode === null) {
    const exited = once(child, 'exit');
    child.kill('SIGKILL');
    await exited;
  }
});

describe('README quickstart against `taskmanager start`', () => {
  let emailTaskId: string;

  it('creates a send_email task and runs it to SUCCESS with a message_id', async () => {
    const created = await api<{ task_id: string; status: string; created: boolean }>('POST', '/api/v1/tasks', {
      task_type: 'send_email',
      priority: 1,
      payload: { to: 'user@example.com', subject: 'Hello', body: 'Welcome!' },
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ code: 0, message: 'success', data: { status: 'PENDING', created: true } });
    emailTaskId = created.body.data.task_id;

    const task = await taskWhen(emailTaskId, 'SUCCESS');
    expect(task.result).toMatchObject({ message_id: expect.any(String) });
  });

  it('logs null→PENDING→PROCESSING→SUCCESS', async () => {
    const { status, body } = await api<{ from_status: string | null; to_status: string | null }[]>(
      'GET',
      `/api/v1/tasks/${emailTaskId}/logs`,
    );
    expect(status).toBe(200);
    const transitions = body.data
      .filter((log) => log.to_status !== null)
      .map((log) => `${log.from_status}→${log.to_status}`);
    expect(transitions).toEqual(['null→PENDING', 'PENDING→PROCESSING', 'PROCESSING→SUCCESS']);
  });

  it('refuses to cancel a finished task with 409 / 40901', async () => {
    const { status, body } = await api('POST', `/api/v1/tasks/${emailTaskId}/cancel`);
    expect(status).toBe(409);
    expect(body.code).toBe(40901);
  });

  it('cancels a running sleep task', async () => {
    const created = await api<{ task_id: string }>('POST', '/api/v1/tasks', {
      task_type: 'sleep',
      payload: { ms: 30_000 },
    });
    expect(created.status).toBe(201);
    const taskId = created.body.data.task_id;
    await taskWhen(taskId, 'PROCESSING');

    const cancelled = await api<{ status: string }>('POST', `/api/v1/tasks/${taskId}/cancel`);
    expect(cancelled.status).toBe(200);
    expect(cancelled.body.data.status).toBe('CANCELLED');
    expect((await api('GET', `/api/v1/tasks/${taskId}`)).body.data.status).toBe('CANCELLED');
  });

  it('serves the gRPC API on TM_GRPC_PORT: create, get, list, cancel, logs', async () => {
    const client = taskServiceClient(grpcAddress);
    try {
      const { task } = await client.ok('CreateTask', {
        task_type: 'sleep',
        priority: 1,
        json_payload: { fields: { ms: { numberValue: 30_000 } } },
      });
      expect((await client.ok('GetTask', { task_id: task.task_id })).task).toMatchObject({
        task_type: 'sleep',
        priority: 1,
      });
      const listed = await client.ok('ListTasks', { task_type: 'sleep', priority: -1 });
      expect(listed.tasks.map((t: { task_id: string }) => t.task_id)).toContain(task.task_id);
      expect(await client.ok('CancelTask', { task_id: task.task_id })).toMatchObject({
        success: true,
        message: 'Task cancelled successfully',
      });
      const { logs } = await client.ok('GetTaskLogs', { task_id: task.task_id });
      expect(logs.find((log: { to_status: string }) => log.to_status === 'CANCELLED')).toMatchObject({
        message: 'Task cancelled by user',
      });
    } finally {
      client.close();
    }
  });

  it('stops gracefully on SIGTERM with exit code 0 within 10 s', async () => {
    const running = child!;
    const exited = once(running, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
    running.kill('SIGTERM');
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no exit within 10 s of SIGTERM:\n${output}`)), 10_000);
    });
    try {
      const [code, signal] = await Promise.race([exited, deadline]);
      expect({ code, signal }).toEqual({ code: 0, signal: null });
    } finally {
      clearTimeout(timer);
    }
  }, 15_000);
});
