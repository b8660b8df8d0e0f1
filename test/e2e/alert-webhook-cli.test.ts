/**
 * The embedded default as `npm start` runs it (`node bin/taskmanager.mjs start`, the root
 * taskmanager.config.ts) with TM_ALERT_WEBHOOK_URL set: a non-retryable failure reaches a
 * webhook receiver started by the test within seconds.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../helpers/wait.ts';
import { startWebhookReceiver, type WebhookReceiver } from '../helpers/webhook-receiver.ts';
import { REPO_ROOT, baseEnv, freePort } from './support/node-process.ts';

let child: ChildProcess | undefined;
let output = '';
let baseUrl: string;
let receiver: WebhookReceiver;

beforeAll(async () => {
  receiver = await startWebhookReceiver();
  const port = await freePort();
  baseUrl = `http://127.0.0.1:${port}`;
  child = spawn(process.execPath, ['bin/taskmanager.mjs', 'start'], {
    cwd: REPO_ROOT,
    env: { ...baseEnv(), TM_PORT: String(port), TM_APP_LOG_LEVEL: 'warn', TM_ALERT_WEBHOOK_URL: receiver.url },
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
        return false;
      }
    },
    { timeoutMs: 20_000, intervalMs: 100, message: `/healthz on ${baseUrl}` },
  );
}, 30_000);

afterAll(async () => {
  if (child && child.exitCode === null && child.signalCode === null) {
    const exited = once(child, 'exit');
    child.kill('SIGTERM');
    await exited;
  }
  await receiver?.close();
});

describe('npm start with TM_ALERT_WEBHOOK_URL', () => {
  it('POSTs "Task Failed" within seconds of a non-retryable failure', async () => {
    const response = await fetch(`${baseUrl}/api/v1/tasks`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ task_type: 'fail', payload: { message: 'card declined', retryable: false } }),
    });
    expect(response.status).toBe(201);
    const taskId = ((await response.json()) as { data: { task_id: string } }).data.task_id;
    const createdAt = Date.now();
    const [alert] = await waitFor(() => (receiver.accepted().length > 0 ? receiver.accepted() : undefined), {
      timeoutMs: 5_000,
      intervalMs: 20,
      message: `an alert for ${taskId}\n${output}`,
    });
    expect(Date.now() - createdAt).toBeLessThan(5_000);
    expect(alert).toMatchObject({
      level: 'ERROR',
      title: 'Task Failed',
      message: `Task ${taskId} failed`,
      task_id: taskId,
      task_type: 'fail',
      error: 'card declined',
    });
    expect(alert!.text).toContain(`Task Failed: Task ${taskId} failed`);
    const metrics = await (await fetch(`${baseUrl}/metrics`)).text();
    expect(metrics).toMatch(/^alert_notifications_total\{result="sent"\} 1$/m);
    expect(metrics).toMatch(/^task_dead_total\{task_type="fail",status="FAILED"\} 1$/m);
    // The URL (a secret for chat webhooks) is never logged in full.
    expect(output).not.toContain(receiver.url);
  });
});
