/**
 * The operator CLI as a user runs it: `node bin/taskmanager.mjs …` as a child process, piped
 * or on a pseudo-terminal (util-linux `script`), against a `taskmanager start` of the embedded
 * default on free ports.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import path from 'node:path';
import { baseEnv, CLI, freePort, NodeProcess, REPO_ROOT } from './node-process.ts';

export const EMBEDDED_CONFIG = path.join(REPO_ROOT, 'taskmanager.config.ts');

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** The environment of a CLI run: no TM_* and no colour settings of the parent's. */
export function cliEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env = baseEnv();
  for (const name of ['NO_COLOR', 'FORCE_COLOR', 'NODE_DISABLE_COLORS']) delete env[name];
  return { ...env, ...extra };
}

function collect(child: ChildProcessWithoutNullStreams, timeoutMs: number): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('error', reject);
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** `taskmanager <args>` with stdout and stderr piped (not a terminal). */
export function taskmanager(args: string[], env: NodeJS.ProcessEnv = cliEnv(), timeoutMs = 30_000): Promise<CliResult> {
  return collect(spawn(process.execPath, [CLI, ...args], { cwd: REPO_ROOT, env }), timeoutMs);
}

const shellQuote = (word: string) => `'${word.replaceAll("'", `'\\''`)}'`;

/**
 * `taskmanager <args>` on a pseudo-terminal, still running: stdout and stderr are a TTY, and
 * both arrive on the child's stdout (with CR LF line ends). TERM is set and CI unset, because
 * Node turns colour off without a known terminal or under CI.
 */
export function spawnOnTerminal(args: string[], env: NodeJS.ProcessEnv = {}): ChildProcessWithoutNullStreams {
  const terminalEnv = cliEnv({ TERM: 'xterm-256color', ...env });
  delete terminalEnv.CI;
  const command = [process.execPath, CLI, ...args].map(shellQuote).join(' ');
  return spawn('script', ['-qec', command, '/dev/null'], {
    cwd: REPO_ROOT,
    env: terminalEnv,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
}

/** `taskmanager <args>` on a pseudo-terminal, to completion (see spawnOnTerminal). */
export function taskmanagerOnTerminal(
  args: string[],
  env: NodeJS.ProcessEnv = {},
  timeoutMs = 30_000,
): Promise<CliResult> {
  return collect(spawnOnTerminal(args, env), timeoutMs);
}

/** `taskmanager start` with the repository's own config on free HTTP and gRPC ports. */
export async function startEmbeddedServer(env: NodeJS.ProcessEnv = {}): Promise<NodeProcess> {
  const port = await freePort();
  const server = new NodeProcess(
    'cli-node',
    port,
    { ...baseEnv(), TM_GRPC_PORT: String(await freePort()), TM_APP_LOG_LEVEL: 'warn', ...env },
    EMBEDDED_CONFIG,
  );
  try {
    await server.ready();
  } catch (error) {
    await server.kill();
    throw error;
  }
  return server;
}

/** Any ANSI escape sequence (colour, cursor, line clearing). */
// biome-ignore lint/suspicious/noControlCharactersInRegex: matches the terminal's escape sequences on purpose
export const ANSI = /\x1b\[/;
/** A colour or style code such as ESC[32m. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: matches the terminal's escape sequences on purpose
export const ANSI_COLOR = /\x1b\[\d+(;\d+)*m/;
