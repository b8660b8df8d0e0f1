/**
 * The embedded default (`node bin/taskmanager.mjs start`) on free ports, as a user runs it:
 * the client suites talk to a real server over the network.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

export interface LiveServer {
  baseUrl: string;
  grpcAddress: string;
  output(): string;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Starts the server and resolves once GET /readyz answers 200. */
export async function startLiveServer(env: Record<string, string> = {}, timeoutMs = 30_000): Promise<LiveServer> {
  const [port, grpcPort] = [await freePort(), await freePort()];
  // The caller's TM_* variables must not change what the server does.
  const clean = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('TM_')));
  const child: ChildProcess = spawn(process.execPath, ['bin/taskmanager.mjs', 'start'], {
    cwd: REPO_ROOT,
    env: { ...clean, TM_PORT: String(port), TM_GRPC_PORT: String(grpcPort), TM_APP_LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const baseUrl = `http://127.0.0.1:${port}`;

  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = once(child, 'exit');
    child.kill('SIGTERM');
    const force = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(force);
  };

  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`taskmanager exited with ${child.exitCode}:\n${output}`);
    const ready = await fetch(`${baseUrl}/readyz`).then(
      (r) => r.ok,
      () => false,
    );
    if (ready) break;
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`taskmanager not ready within ${timeoutMs} ms:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return { baseUrl, grpcAddress: `127.0.0.1:${grpcPort}`, output: () => output, stop };
}
