import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { waitFor } from '../../helpers/wait.ts';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
export const CLI = path.join(REPO_ROOT, 'bin/taskmanager.mjs');
export const DISTRIBUTED_CONFIG = path.join(REPO_ROOT, 'examples/distributed/taskmanager.config.ts');

/** A port the OS says is free right now (listen on 0, read it, close). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** The parent's environment without its own TM_* settings, so only what a test passes applies. */
export function baseEnv(): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('TM_')));
}

/** Keeps the tail of a child's output for the failure message. */
class OutputTail {
  private text = '';
  constructor(private readonly limit = 8_000) {}
  push(chunk: Buffer): void {
    this.text = (this.text + chunk.toString()).slice(-this.limit);
  }
  toString(): string {
    return this.text;
  }
}

/** Runs the CLI to completion (migrate); rejects with its output when it exits non-zero. */
export function runCli(args: string[], env: NodeJS.ProcessEnv, timeoutMs = 30_000): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd: REPO_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    const output = new OutputTail();
    child.stdout.on('data', (c: Buffer) => output.push(c));
    child.stderr.on('data', (c: Buffer) => output.push(c));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolve(output.toString());
      else reject(new Error(`taskmanager ${args.join(' ')} exited ${code ?? signal}:\n${output}`));
    });
  });
}

/** One `taskmanager start` process of the cluster, reachable on its API port. */
export class NodeProcess {
  private readonly child: ChildProcess;
  private readonly output = new OutputTail();
  private readonly exited: Promise<void>;
  private alive = true;

  constructor(
    readonly nodeId: string,
    readonly port: number,
    env: NodeJS.ProcessEnv,
    readonly configPath: string = DISTRIBUTED_CONFIG,
  ) {
    this.child = spawn(process.execPath, [CLI, 'start', '--config', configPath], {
      cwd: REPO_ROOT,
      // gRPC off: the nodes share one host, and the cluster suites drive the HTTP API.
      env: { TM_GRPC_PORT: '0', ...env, TM_NODE_ID: nodeId, TM_PORT: String(port) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child.stdout!.on('data', (c: Buffer) => this.output.push(c));
    this.child.stderr!.on('data', (c: Buffer) => this.output.push(c));
    this.exited = new Promise((resolve) =>
      this.child.once('exit', () => {
        this.alive = false;
        resolve();
      }),
    );
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get running(): boolean {
    return this.alive;
  }

  /**
   * Polls /healthz until it answers 200; fails early (with the output) if the process exits.
   * 60 s: a start compiles the TypeScript sources, which takes seconds on an idle machine and
   * ten times that when other suites' clusters start on the same two cores.
   */
  async ready(timeoutMs = 60_000): Promise<void> {
    await waitFor(
      async () => {
        if (!this.alive) throw new Error(`node ${this.nodeId} exited during start:\n${this.output}`);
        try {
          return (await fetch(`${this.url}/healthz`)).ok;
        } catch {
          return false;
        }
      },
      { timeoutMs, intervalMs: 100, message: `node ${this.nodeId} /healthz` },
    ).catch((error: Error) => {
      throw new Error(`${error.message}\n${this.output}`);
    });
  }

  /** Sends a signal and waits for the process to be gone. */
  async kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    if (this.alive) this.child.kill(signal);
    await this.exited;
  }

  logs(): string {
    return this.output.toString();
  }

  /** Sends a signal without waiting (SIGHUP: reload the config). */
  signal(signal: NodeJS.Signals): void {
    if (this.alive) this.child.kill(signal);
  }
}
