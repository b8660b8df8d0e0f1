/**
 * `taskmanager tasks …` as a child process against a live `taskmanager start`: create → wait →
 * get → logs → ls → cancel → retry, --json parsed, exit statuses, errors with the product's
 * code, usage errors.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NodeProcess } from './support/node-process.ts';
import { ANSI, cliEnv, startEmbeddedServer, taskmanager, type CliResult } from './support/operator-cli.ts';

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

function json<T = Record<string, unknown>>(result: CliResult): T {
  expect(result.stderr, result.stderr).toBe('');
  return JSON.parse(result.stdout) as T;
}

/** An error on stderr is one or two lines, never a stack trace. */
function expectCleanError(result: CliResult): void {
  expect(result.stderr).toMatch(/^taskmanager: /);
  expect(result.stderr).not.toMatch(/\n\s+at /);
  expect(result.stderr.trim().split('\n').length).toBeLessThanOrEqual(2);
}

describe('taskmanager tasks', { timeout: 60_000 }, () => {
  it('creates a task, waits for SUCCESS, and shows it, its logs and the list', async () => {
    const created = await run('tasks', 'create', 'echo', '--payload', '{"a":1}', '--priority', '1', '--json');
    expect(created.code).toBe(0);
    const { task_id: id, status } = json<{ task_id: string; status: string }>(created);
    expect(status).toBe('PENDING');

    const waited = await run('tasks', 'wait', id);
    expect(waited).toMatchObject({ code: 0, stderr: '' });
    expect(waited.stdout).toContain(id);
    expect(waited.stdout).toContain('SUCCESS');
    expect(waited.stdout).not.toMatch(ANSI);

    const task = json<{ status: string; payload: unknown; result: unknown; priority: number }>(
      await run('tasks', 'get', id, '--json'),
    );
    expect(task).toMatchObject({ status: 'SUCCESS', payload: { a: 1 }, result: { a: 1 }, priority: 1 });
    const shown = await run('tasks', 'get', id);
    expect(shown.code).toBe(0);
    expect(shown.stdout).toMatch(/^status\s+SUCCESS$/m);
    expect(shown.stdout).toMatch(/^created\s+\d+ s ago \(\d{4}-/m);

    const logs = json<Array<{ to_status: string }>>(await run('tasks', 'logs', id, '--json'));
    expect(logs.map((log) => log.to_status)).toEqual(['PENDING', 'PROCESSING', 'SUCCESS']);
    const logText = (await run('tasks', 'logs', id)).stdout;
    expect(logText).toMatch(/^WHEN\s+KIND\s+STATUS/m);
    expect(logText).toContain('PROCESSING → SUCCESS');

    const listed = json<Array<{ task_id: string }>>(
      await run('tasks', 'ls', '--type', 'echo', '--status', 'success', '--json'),
    );
    expect(listed.map((t) => t.task_id)).toContain(id);
    const table = (await run('tasks', 'ls', '--type', 'echo', '--limit', '1')).stdout.split('\n');
    expect(table[0]).toMatch(/^TASK ID\s+TYPE\s+STATUS\s+PRIORITY/);
    expect(table.filter((line) => line.includes('echo'))).toHaveLength(1);
  });

  it('prints just the id when creating without --json, keeping an idempotency key as written', async () => {
    const key = `00${Date.now()}`;
    const first = await run('tasks', 'create', 'echo', '--idempotency-key', key);
    expect(first).toEqual({ code: 0, stdout: `${key}\n`, stderr: '' });
    const again = json<{ task_id: string; created: boolean }>(
      await run('tasks', 'create', 'echo', '--idempotency-key', key, '--json'),
    );
    expect(again).toEqual({ task_id: key, status: expect.any(String), created: false });
  });

  it('exits 3 when the task ends FAILED, and retries it back to PENDING', async () => {
    const id = (
      await run('tasks', 'create', 'fail', '--payload', '{"message":"boom","retryable":false}')
    ).stdout.trim();
    const failed = await run('tasks', 'wait', id, '--json');
    expect(failed.code).toBe(3);
    expect(json(failed)).toMatchObject({ task_id: id, status: 'FAILED', error_msg: 'boom' });

    const retried = await run('tasks', 'retry', id, '--json');
    expect(retried.code).toBe(0);
    expect(json(retried)).toMatchObject({ task_id: id, status: 'PENDING', retry_count: 0 });
    const again = await run('tasks', 'wait', id);
    expect(again.code).toBe(3);
    expect(again.stdout).toMatch(/FAILED\s+boom/);
  });

  it('cancels a pending task; a second cancel fails with 40901', async () => {
    const id = (await run('tasks', 'create', 'sleep', '--delay', '3600')).stdout.trim();
    const cancelled = await run('tasks', 'cancel', id);
    expect(cancelled.code).toBe(0);
    expect(cancelled.stdout).toMatch(new RegExp(`^${id}\\s+CANCELLED`));
    const refused = await run('tasks', 'cancel', id);
    expect(refused.code).toBe(1);
    expect(refused.stdout).toBe('');
    expect(refused.stderr).toContain('error 40901: ');
    expectCleanError(refused);
  });

  it('exits 4 when --timeout passes before the task is final', async () => {
    const id = (await run('tasks', 'create', 'sleep', '--delay', '3600')).stdout.trim();
    const started = Date.now();
    const waited = await run('tasks', 'wait', id, '--timeout', '0.5');
    expect(waited.code).toBe(4);
    expect(waited.stderr).toContain(`task ${id} did not finish within 0.5 s (last status: PENDING)`);
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it("reports the server's code and message: unknown task, bad priority, unknown task type", async () => {
    const missing = await run('tasks', 'get', 'no-such-task');
    expect(missing).toMatchObject({
      code: 1,
      stdout: '',
      stderr: 'taskmanager: error 40401: task "no-such-task" not found\n',
    });
    const priority = await run('tasks', 'create', 'echo', '--priority', '7');
    expect(priority.code).toBe(1);
    expect(priority.stderr).toMatch(/^taskmanager: error 40001: .*priority/);
    expectCleanError(priority);
    const unknown = await run('tasks', 'create', 'no_such_type', '--json');
    expect(unknown).toMatchObject({ code: 1, stdout: '' });
    expect(unknown.stderr).toContain('error 40002');
  });

  it('exits 2 with the usage line on an unknown command, action or option, or a bad value', async () => {
    const cases: Array<[string[], RegExp]> = [
      [['frobnicate'], /unknown command "frobnicate"/],
      [['tasks', 'frob', 'x'], /"tasks" needs an action, not "frob"/],
      [['tasks'], /"tasks" needs an action/],
      [['tasks', 'create', 'echo', '--payload', '{bad'], /--payload must be JSON/],
      [['tasks', 'ls', '--limit', '0'], /--limit must be a whole number of at least 1/],
      [['tasks', 'wait', 'x', '--timeout', 'soon'], /--timeout must be a number/],
      [['tasks', 'get', 'x', '--frob'], /Unknown option `--frob`/],
      [['tasks', 'get'], /missing required args/],
      [['stats', '--url', 'localhost:8080'], /--url must be an http:\/\/ or https:\/\/ URL/],
    ];
    for (const [args, message] of cases) {
      const result = await run(...args);
      expect(result.code, args.join(' ')).toBe(2);
      expect(result.stderr, args.join(' ')).toMatch(message);
      expect(result.stderr, args.join(' ')).toMatch(/\nusage: taskmanager .+\n$/);
      expectCleanError(result);
    }
  });
});
