import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorCode } from '../../core/index.ts';
import { waitFor } from '../helpers/wait.ts';
import { startRedisQueue } from './support/redis-queue-harness.ts';
import type { StartedRedisQueue } from './support/redis-queue-harness.ts';

/** This suite runs its own redis-server, so it can stop and restart it. */
const hasRedisServer = spawnSync('redis-server', ['--version']).status === 0;
if (!hasRedisServer && process.env.CI === 'true') throw new Error('redis-server is not installed, and CI=true requires it');

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** Starts redis-server with AOF in `dir` and resolves once it accepts connections. */
function startRedisServer(port: number, dir: string): Promise<ChildProcess> {
  const child = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'yes', '--dir', dir],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  return new Promise((resolve, reject) => {
    let output = '';
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('Ready to accept connections')) {
        child.stdout?.off('data', onData);
        child.stdout?.resume();
        resolve(child);
      }
    };
    child.stdout?.on('data', onData);
    child.once('exit', (code) => reject(new Error(`redis-server exited with ${code}: ${output}`)));
  });
}

function stopRedisServer(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

describe.skipIf(!hasRedisServer)('queue-redis across a Redis restart', () => {
  let dir: string;
  let port: number;
  let server: ChildProcess | undefined;
  let subject: StartedRedisQueue | undefined;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'tm-redis-restart-'));
    port = await freePort();
    server = await startRedisServer(port, dir);
    subject = await startRedisQueue({ url: `redis://127.0.0.1:${port}`, prefix: 'tm:test:restart:' });
  });

  afterAll(async () => {
    await subject?.stop();
    if (server) await stopRedisServer(server);
    await rm(dir, { recursive: true, force: true });
  });

  it('fails fast while Redis is down, reconnects by itself, and keeps the queued ids', async () => {
    const { queue, coordination } = subject!;
    const ids = Array.from({ length: 50 }, (_, i) => `restart-${i}`);
    await queue.enqueue(ids.map((taskId, i) => ({ taskId, priority: i % 5 === 0 ? 1 : 0 })));

    await stopRedisServer(server!);

    const started = Date.now();
    await expect(queue.claim(10)).rejects.toMatchObject({ code: ErrorCode.DEPENDENCY_UNAVAILABLE });
    await expect(coordination.leader.tryAcquire('leader', 5_000)).rejects.toMatchObject({
      code: ErrorCode.DEPENDENCY_UNAVAILABLE,
    });
    await expect(queue.take('w1', 5, 200)).rejects.toMatchObject({ code: ErrorCode.DEPENDENCY_UNAVAILABLE });
    expect(Date.now() - started).toBeLessThan(10_000);

    server = await startRedisServer(port, dir);
    await waitFor(() => queue.ping().then(() => true, () => false), {
      timeoutMs: 10_000,
      intervalMs: 50,
      message: 'the plugin to reconnect',
    });

    // The subscriber re-subscribes by itself: a schedule (which publishes a wake-up) wakes
    // the leader's wait again. Re-scheduling the same far-future probe changes nothing else.
    await waitFor(
      async () => {
        const waking = queue.waitForWork(1_000);
        const wakeStarted = Date.now();
        await queue.schedule([{ taskId: 'wake-probe', priority: 0, dueAt: new Date(Date.now() + 3_600_000) }]);
        await waking;
        return Date.now() - wakeStarted < 500;
      },
      { timeoutMs: 10_000, message: 'wake-ups after the restart' },
    );

    const expectedOrder = [...ids.filter((_, i) => i % 5 === 0), ...ids.filter((_, i) => i % 5 !== 0)];
    const claimed = (await queue.claim(100)).map((e) => e.taskId);
    expect(claimed).toEqual(expectedOrder);
  });
});
