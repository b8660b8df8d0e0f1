/**
 * `taskmanager stats | workers | task-types | schedules | completion` as child processes, the
 * terminal behaviour (colour only on a TTY, NO_COLOR, the live wait line), a stopped server
 * and a server with API keys.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../helpers/wait.ts';
import { CLI, freePort, REPO_ROOT, type NodeProcess } from './support/node-process.ts';
import {
  ANSI,
  ANSI_COLOR,
  cliEnv,
  spawnOnTerminal,
  startEmbeddedServer,
  taskmanager,
  taskmanagerOnTerminal,
} from './support/operator-cli.ts';

interface StatsDocument {
  tasks: { by_status: Record<string, number>; total: number };
  queues: { high: number; normal: number; delayed: number; claimed: number };
  scheduler: { leader_id: string | null };
  workers: { online: number; total: number };
}

let server: NodeProcess;
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  server = await startEmbeddedServer();
  env = cliEnv({ TM_API_URL: server.url });
}, 40_000);

afterAll(async () => {
  await server?.kill('SIGTERM');
});

const run = (...args: string[]) => taskmanager(args, env);

describe('taskmanager stats, workers, task-types, schedules', { timeout: 60_000 }, () => {
  it('stats --json is one document: counts by status, queues, the leader, workers online', async () => {
    await run('tasks', 'create', 'sleep', '--delay', '3600');
    const stats = await waitFor(
      async () => {
        const result = await run('stats', '--json');
        expect(result).toMatchObject({ code: 0, stderr: '' });
        const document = JSON.parse(result.stdout) as StatsDocument;
        return document.workers.online > 0 && document.scheduler.leader_id ? document : undefined;
      },
      { timeoutMs: 15_000, intervalMs: 200, message: 'a leader and a worker online' },
    );
    expect(Object.keys(stats.tasks.by_status).sort()).toEqual([
      'CANCELLED',
      'FAILED',
      'PENDING',
      'PROCESSING',
      'SUCCESS',
      'TIMEOUT',
    ]);
    expect(stats.tasks.by_status.PENDING).toBeGreaterThanOrEqual(1);
    expect(stats.queues.delayed).toBeGreaterThanOrEqual(1);
    expect(stats.scheduler.leader_id).toContain('cli-node');

    const text = await run('stats');
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/^ {2}PENDING\s+PROCESSING\s+SUCCESS\s+FAILED\s+TIMEOUT\s+CANCELLED\s+TOTAL$/m);
    expect(text.stdout).toMatch(/^Leader\s+scheduler-cli-node/m);
    expect(text.stdout).toMatch(/^Workers\s+1 online of 1$/m);
  });

  it('workers and task-types as tables and as JSON', async () => {
    const workers = JSON.parse((await run('workers', '--json')).stdout) as Array<{
      worker_id: string;
      healthy: boolean;
    }>;
    expect(workers).toEqual([
      expect.objectContaining({ worker_id: expect.stringContaining('cli-node'), healthy: true }),
    ]);
    const workerTable = (await run('workers')).stdout.split('\n');
    expect(workerTable[0]).toMatch(/^WORKER\s+STATUS\s+LOAD\s+IN FLIGHT\s+WEIGHT\s+HEARTBEAT/);
    expect(workerTable[1]).toMatch(/ONLINE\s+\d+\/\d+\s+\d+\s+\d+\s+\d+ s ago/);

    const types = JSON.parse((await run('task-types', '--json')).stdout) as Array<{ task_type: string }>;
    expect(types.map((t) => t.task_type)).toEqual(expect.arrayContaining(['echo', 'sleep', 'fail']));
    expect((await run('task-types')).stdout).toMatch(/^echo\s+demo\s+yes\s+300 s/m);
  });

  it('schedules as a table and as JSON', async () => {
    const empty = await run('schedules');
    expect(empty).toMatchObject({ code: 0, stderr: '' });
    expect(empty.stdout).toBe('no schedules\n');
    const created = await fetch(`${server.url}/api/v1/schedules`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        schedule_id: 'nightly-report',
        cron: '0 3 * * *',
        timezone: 'Europe/Paris',
        task: { task_type: 'echo', payload: { report: true } },
      }),
    });
    expect(created.status).toBe(201);
    const listed = JSON.parse((await run('schedules', '--json')).stdout) as Array<Record<string, unknown>>;
    expect(listed).toEqual([
      expect.objectContaining({ schedule_id: 'nightly-report', cron: '0 3 * * *', enabled: true }),
    ]);
    const table = (await run('schedules')).stdout.split('\n');
    expect(table[0]).toMatch(/^SCHEDULE\s+CRON\s+TIMEZONE\s+TASK TYPE\s+STATE\s+NEXT RUN\s+LAST RUN$/);
    expect(table[1]).toMatch(/^nightly-report\s+0 3 \* \* \*\s+Europe\/Paris\s+echo\s+active\s+in \d+/);
    await fetch(`${server.url}/api/v1/schedules/nightly-report`, { method: 'DELETE' });
  });

  it('stats --watch --json prints a document per second until interrupted', async () => {
    const child = spawn(process.execPath, [CLI, 'stats', '--watch', '--json'], {
      cwd: REPO_ROOT,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    const started = Date.now();
    await waitFor(() => stdout.split('\n').filter(Boolean).length >= 2, {
      timeoutMs: 10_000,
      intervalMs: 50,
      message: 'two refreshes',
    });
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    const exited = once(child, 'exit');
    child.kill('SIGINT');
    const [code] = (await exited) as [number | null];
    expect(code).toBe(0);
    for (const line of stdout.trim().split('\n'))
      expect((JSON.parse(line) as StatsDocument).tasks.total).toEqual(expect.any(Number));
  });
});

describe('taskmanager on a terminal and piped', { timeout: 60_000 }, () => {
  it('colours tables on a terminal, and not with NO_COLOR', async () => {
    const coloured = await taskmanagerOnTerminal(['tasks', 'ls', '--limit', '5'], { TM_API_URL: server.url });
    expect(coloured.code).toBe(0);
    expect(coloured.stdout).toMatch(ANSI_COLOR);
    const plain = await taskmanagerOnTerminal(['tasks', 'ls', '--limit', '5'], {
      TM_API_URL: server.url,
      NO_COLOR: '1',
    });
    expect(plain.code).toBe(0);
    expect(plain.stdout).toMatch(/TASK ID\s+TYPE/);
    expect(plain.stdout).not.toMatch(ANSI);
  });

  it('writes no escape codes when piped, whatever the command', async () => {
    const id = (await run('tasks', 'create', 'echo')).stdout.trim();
    for (const args of [
      ['tasks', 'wait', id],
      ['tasks', 'get', id],
      ['tasks', 'logs', id],
      ['tasks', 'ls'],
      ['stats'],
      ['workers'],
      ['task-types'],
      ['tasks', 'get', 'missing'],
    ]) {
      const result = await run(...args);
      expect(result.stdout + result.stderr, args.join(' ')).not.toMatch(ANSI);
    }
  });

  it('tasks wait redraws a status line on a terminal, then prints the outcome', async () => {
    const id = (await run('tasks', 'create', 'sleep', '--payload', '{"ms":60000}')).stdout.trim();
    const child = spawnOnTerminal(['tasks', 'wait', id], { TM_API_URL: server.url });
    let screen = '';
    child.stdout.on('data', (chunk: Buffer) => (screen += chunk.toString()));
    const exited = once(child, 'exit');
    // Redrawn in place: a carriage return and "erase line" before each frame.
    await waitFor(() => screen.includes('PROCESSING') && screen.split('\r\x1b[2K').length > 3, {
      timeoutMs: 15_000,
      intervalMs: 50,
      message: 'frames showing PROCESSING',
    });
    expect((await run('tasks', 'cancel', id)).code).toBe(0);
    const [code] = (await exited) as [number | null];
    expect(code).toBe(3);
    const outcome = screen.split('\r\x1b[2K').at(-1)!;
    expect(outcome).toContain(id);
    expect(outcome).toContain('CANCELLED');
  });
});

describe('taskmanager without a server, and with API keys', { timeout: 60_000 }, () => {
  it('gives a one-line hint when nothing answers at the URL', async () => {
    const url = `http://127.0.0.1:${await freePort()}`;
    for (const args of [['stats'], ['tasks', 'create', 'echo']]) {
      const result = await taskmanager([...args, '--url', url], cliEnv());
      expect(result).toEqual({
        code: 1,
        stdout: '',
        stderr: `taskmanager: cannot reach ${url}: is taskmanager start running at ${url}?\n`,
      });
    }
  });

  it('needs the key on a server with TM_HTTP_API_KEYS: --api-key or TM_API_KEY', async () => {
    const secured = await startEmbeddedServer({ TM_HTTP_API_KEYS: 'cli-secret' });
    try {
      const denied = await taskmanager(['tasks', 'ls', '--url', secured.url], cliEnv());
      expect(denied.code).toBe(1);
      expect(denied.stderr).toMatch(/^taskmanager: error 40101: .*\(pass --api-key or set TM_API_KEY\)\n$/);
      const wrong = await taskmanager(['stats', '--url', secured.url, '--api-key', 'nope'], cliEnv());
      expect(wrong.code).toBe(1);
      expect(wrong.stderr).toContain('error 40101');

      const flagged = await taskmanager(
        ['tasks', 'create', 'echo', '--url', secured.url, '--api-key', 'cli-secret'],
        cliEnv(),
      );
      expect(flagged.code).toBe(0);
      const waited = await taskmanager(
        ['tasks', 'wait', flagged.stdout.trim(), '--json'],
        cliEnv({ TM_API_URL: secured.url, TM_API_KEY: 'cli-secret' }),
      );
      expect(waited.code).toBe(0);
      expect(JSON.parse(waited.stdout)).toMatchObject({ status: 'SUCCESS' });
    } finally {
      await secured.kill('SIGTERM');
    }
  });
});

describe('taskmanager completion', { timeout: 60_000 }, () => {
  it('completes commands, actions, options and status values in bash', async () => {
    const script = await taskmanager(['completion', 'bash'], cliEnv());
    expect(script.code).toBe(0);
    const probe = [
      script.stdout,
      // biome-ignore lint/suspicious/noTemplateCurlyInString: a bash line, with bash's own ${…}
      't() { COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _taskmanager; echo "${COMPREPLY[*]}"; }',
      't taskmanager ta',
      't taskmanager tasks ""',
      't taskmanager --url http://x tasks create echo --p',
      't taskmanager tasks ls --status F',
    ].join('\n');
    const child = spawn('bash', ['-c', probe], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    const [code] = (await once(child, 'exit')) as [number | null];
    expect(code).toBe(0);
    expect(out.split('\n')).toEqual([
      'tasks task-types',
      'create get logs cancel retry wait ls',
      '--payload --priority',
      'FAILED',
      '',
    ]);

    const zsh = await taskmanager(['completion', 'zsh'], cliEnv());
    expect(zsh.stdout).toMatch(/^#compdef taskmanager\n/);
    expect(zsh.stdout).toContain('bashcompinit');
    expect(zsh.stdout).toContain('complete -F _taskmanager taskmanager');
    const fish = await taskmanager(['completion', 'fish'], cliEnv());
    expect(fish.code).toBe(2);
    expect(fish.stderr).toContain('unknown shell "fish"');
  });
});
