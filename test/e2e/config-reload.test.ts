/**
 * Hot reload against the real CLI: a YAML config in a temp dir, edited while
 * `taskmanager start --config <file>` runs (app.watchConfig), and a TypeScript config
 * reloaded by SIGHUP. What changes is read back over the HTTP API and /metrics.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../helpers/wait.ts';
import { NodeProcess, REPO_ROOT, baseEnv, freePort } from './support/node-process.ts';

interface WorkerView {
  worker_id: string;
  capacity: number;
}

async function workers(node: NodeProcess): Promise<WorkerView[]> {
  const response = await fetch(`${node.url}/api/v1/workers`, { signal: AbortSignal.timeout(5_000) });
  return ((await response.json()) as { data: WorkerView[] }).data;
}

async function reloads(node: NodeProcess, result: string): Promise<number> {
  const text = await (await fetch(`${node.url}/metrics`)).text();
  const match = new RegExp(`^config_reloads_total\\{result="${result}"\\} (\\d+)`, 'm').exec(text);
  return match ? Number(match[1]) : Number.NaN;
}

function yamlConfig(capacity: number | string, extra = ''): string {
  return `app:
  logLevel: warn
  watchConfig: true
worker:
  capacity: ${capacity}
taskTypes:
  - { taskType: echo, executorType: demo, maxConcurrent: 0 }
plugins:
  - storage-memory
  - queue-memory
  - load-balancers
  - executor-demo
  - metrics-prometheus
  - http-api
${extra}`;
}

describe('hot reload of a YAML config (app.watchConfig)', () => {
  let dir: string;
  let file: string;
  let node: NodeProcess;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'tm-reload-'));
    file = path.join(dir, 'taskmanager.config.yaml');
    await writeFile(file, yamlConfig(3));
    node = new NodeProcess('reload-yaml', await freePort(), baseEnv(), file);
    await node.ready();
  }, 40_000);

  afterAll(async () => {
    await node?.kill('SIGTERM');
    await rm(dir, { recursive: true, force: true });
  });

  it('shows a new worker.capacity on /api/v1/workers within 5 s, without a restart', async () => {
    const [before] = await workers(node);
    expect(before!.capacity).toBe(3);
    const editedAt = Date.now();
    await writeFile(file, yamlConfig(7));
    await waitFor(async () => (await workers(node))[0]?.capacity === 7, {
      timeoutMs: 5_000,
      intervalMs: 50,
      message: 'capacity 7',
    });
    expect(Date.now() - editedAt).toBeLessThan(5_000);
    const [after] = await workers(node);
    expect(after!.worker_id).toBe(before!.worker_id); // same process, same worker: no restart
    expect(await reloads(node, 'applied')).toBe(1);
  });

  it('keeps the running config when the new file is invalid, and says why', async () => {
    await writeFile(file, yamlConfig(0));
    await waitFor(async () => (await reloads(node, 'rejected')) === 1, {
      timeoutMs: 5_000,
      intervalMs: 50,
      message: 'a rejected reload',
    });
    await waitFor(
      () => /config reload rejected, the running config stays: Invalid config at worker\.capacity/.test(node.logs()),
      { message: 'the reason logged' },
    );
    expect((await workers(node))[0]!.capacity).toBe(7);

    await writeFile(file, yamlConfig(7, 'scheduler:\n  loadBalancer: no_such_balancer\n'));
    await waitFor(async () => (await reloads(node, 'rejected')) === 2, {
      timeoutMs: 5_000,
      intervalMs: 50,
      message: 'a second rejected reload',
    });
    await waitFor(() => node.logs().includes('load balancer \\"no_such_balancer\\" is not registered'), {
      message: 'the reason logged',
    });
  });

  it('applies task types, the load balancer and the log level live; reports what needs a restart', async () => {
    const next = yamlConfig(7)
      .replace('logLevel: warn', 'logLevel: info')
      .replace(
        '  - { taskType: echo, executorType: demo, maxConcurrent: 0 }',
        '  - { taskType: echo, executorType: demo, maxConcurrent: 0 }\n  - { taskType: sleep, executorType: demo, defaultTimeout: 42 }',
      )
      .replace('  - http-api', '  - http-api\n  - executor-email')
      .concat('scheduler:\n  loadBalancer: round_robin\n');
    await writeFile(file, next);
    await waitFor(async () => (await reloads(node, 'applied')) === 2, {
      timeoutMs: 5_000,
      intervalMs: 50,
      message: 'a second applied reload',
    });
    // The log lines travel through the child's stdout pipe: they may trail the metric.
    const logged = (pattern: RegExp) =>
      waitFor(() => pattern.test(node.logs()), { timeoutMs: 5_000, message: `a log line like ${pattern}` });
    // logLevel info is live: the "applied" line (info) is now printed.
    await logged(/config reloaded: .*app\.logLevel=info/);
    await logged(/scheduler\.loadBalancer=round_robin/);
    await logged(/config change needs a restart, not applied: plugins/);
    const types = (await (await fetch(`${node.url}/api/v1/task-types/sleep`)).json()) as {
      data: { default_timeout: number };
    };
    expect(types.data.default_timeout).toBe(42);
    // The plugin list did not change: the email executor's type is still unknown.
    const created = await fetch(`${node.url}/api/v1/tasks`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ task_type: 'send_email', payload: {} }),
    });
    expect(created.status).toBeGreaterThanOrEqual(400);
  });
});

describe('reload of a TypeScript config by SIGHUP', () => {
  let dir: string;
  let file: string;
  let node: NodeProcess;
  const source = (capacity: number) => {
    const from = (p: string) => JSON.stringify(path.join(REPO_ROOT, p));
    return `import { defineConfig } from ${from('core/index.ts')};
import { demoExecutors } from ${from('plugins/executor-demo/index.ts')};
import { httpApi } from ${from('plugins/http-api/index.ts')};
import { loadBalancers } from ${from('plugins/load-balancers/index.ts')};
import { memoryQueue } from ${from('plugins/queue-memory/index.ts')};
import { memoryStorage } from ${from('plugins/storage-memory/index.ts')};

export default defineConfig({
  app: { logLevel: 'warn' },
  worker: { capacity: ${capacity} },
  taskTypes: [{ taskType: 'echo', executorType: 'demo' }],
  plugins: [memoryStorage(), memoryQueue(), loadBalancers(), demoExecutors(), httpApi()],
});
`;
  };

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'tm-reload-ts-'));
    await writeFile(path.join(dir, 'package.json'), '{ "type": "module" }\n');
    file = path.join(dir, 'taskmanager.config.ts');
    await writeFile(file, source(4));
    node = new NodeProcess('reload-ts', await freePort(), baseEnv(), file);
    await node.ready();
  }, 40_000);

  afterAll(async () => {
    await node?.kill('SIGTERM');
    await rm(dir, { recursive: true, force: true });
  });

  it('imports the edited file afresh (not from the module cache) on every SIGHUP', async () => {
    expect((await workers(node))[0]!.capacity).toBe(4);
    for (const capacity of [9, 2]) {
      await writeFile(file, source(capacity));
      expect(await readFile(file, 'utf8')).toContain(`capacity: ${capacity}`);
      node.signal('SIGHUP');
      await waitFor(async () => (await workers(node))[0]?.capacity === capacity, {
        timeoutMs: 5_000,
        intervalMs: 50,
        message: `capacity ${capacity}`,
      });
    }
    expect(node.running).toBe(true);
  });
});
