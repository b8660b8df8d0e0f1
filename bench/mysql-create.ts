/**
 * Task creation throughput on MySQL: one task per createTasks call, 16 in flight, with one
 * transaction per call (group commit off, the reference) and with group commit, then 64 in
 * flight with group commit, versus batches of 1000 tasks per call.
 * Run: `node --import tsx bench/mysql-create.ts`
 * (TM_BENCH_MYSQL_URL = server URL, default mysql://root@127.0.0.1:3306).
 * Writes bench/results/mysql-create.json. Uses, then drops, its own database.
 */
import { randomUUID } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import { pathToFileURL } from 'node:url';
import { adminConnection, freshMysqlDatabase } from './lib/mysql-database.ts';
import type { NewTask, StoragePort } from '../core/index.ts';
import { openMysqlStorage } from '../plugins/storage-mysql/index.ts';

export interface MysqlCreateBenchOptions {
  serverUrl?: string;
  /** Tasks created by the single-call scenario per run. */
  singleTasks?: number;
  singleConcurrency?: number;
  /** Calls in flight of the second group-commit scenario: enough for large groups. */
  groupConcurrency?: number;
  /** Batches of `batchSize` per run. */
  batches?: number;
  batchSize?: number;
  /** Batch calls in flight: two keep both Node (building the statement) and the server busy. */
  batchConcurrency?: number;
  runs?: number;
  resultFile?: string | null;
}

export interface ScenarioResult {
  name: string;
  tasksPerRun: number;
  runsTasksPerSecond: number[];
  medianTasksPerSecond: number;
}

export interface MysqlCreateBenchResult {
  benchmark: 'mysql-create';
  date: string;
  machine: { cpus: number; cpuModel: string; node: string; server: string };
  scenarios: ScenarioResult[];
  /** median batch ÷ median single (group commit, `singleConcurrency` in flight) */
  speedup: number;
  /** median single with group commit ÷ median single with one transaction per call */
  groupCommitSpeedup: number;
}

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
};

function makeTasks(count: number): NewTask[] {
  const now = new Date();
  return Array.from({ length: count }, (_, i) => ({
    taskId: randomUUID(),
    taskType: 'send_email',
    priority: i % 10 === 0 ? 1 : 0,
    payload: { to: `user${i}@example.com`, subject: 'Welcome', template: 'welcome', vars: { n: i } },
    maxRetry: 3,
    timeout: 300,
    scheduledAt: now,
    createdAt: now,
  }));
}

async function timed(work: () => Promise<void>, tasks: number): Promise<number> {
  const start = process.hrtime.bigint();
  await work();
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  return Math.round(tasks / seconds);
}

async function singleCalls(storage: StoragePort, count: number, concurrency: number): Promise<void> {
  const tasks = makeTasks(count);
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < tasks.length) {
        const task = tasks[next++] as NewTask;
        await storage.createTasks([task]);
      }
    }),
  );
}

async function batchCalls(storage: StoragePort, batches: number, size: number, concurrency: number): Promise<void> {
  let started = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (started < batches) {
        started++;
        await storage.createTasks(makeTasks(size));
      }
    }),
  );
}

export async function runMysqlCreateBench(options: MysqlCreateBenchOptions = {}): Promise<MysqlCreateBenchResult> {
  const serverUrl = options.serverUrl ?? process.env.TM_BENCH_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306';
  const singleTasks = options.singleTasks ?? 3000;
  const concurrency = options.singleConcurrency ?? 16;
  const groupConcurrency = options.groupConcurrency ?? 64;
  const batches = options.batches ?? 10;
  const batchSize = options.batchSize ?? 1000;
  const batchConcurrency = options.batchConcurrency ?? 2;
  const runs = options.runs ?? 3;

  const admin = await adminConnection(serverUrl);
  const database = await freshMysqlDatabase(serverUrl);
  const url = new URL(database.url);
  const { storage, close } = await openMysqlStorage(url.toString(), { poolSize: concurrency });
  // The reference: every call its own transaction, as before group commit.
  const ungrouped = await openMysqlStorage(url.toString(), { poolSize: concurrency, groupCommit: { maxCallTasks: 0 } });
  const [[version]] = (await admin.query('SELECT VERSION() AS v')) as unknown as [[{ v: string }]];

  try {
    // Warm-up (not timed): JIT, the pool's connections, InnoDB's buffer pool pages.
    await singleCalls(ungrouped.storage, concurrency * 10, concurrency);
    await singleCalls(storage, groupConcurrency * 10, groupConcurrency);
    await batchCalls(storage, 2, batchSize, batchConcurrency);
    const reference: number[] = [];
    const single: number[] = [];
    const wide: number[] = [];
    const batch: number[] = [];
    for (let run = 0; run < runs; run++) {
      reference.push(await timed(() => singleCalls(ungrouped.storage, singleTasks, concurrency), singleTasks));
      single.push(await timed(() => singleCalls(storage, singleTasks, concurrency), singleTasks));
      wide.push(await timed(() => singleCalls(storage, singleTasks, groupConcurrency), singleTasks));
      batch.push(await timed(() => batchCalls(storage, batches, batchSize, batchConcurrency), batches * batchSize));
    }
    const singleScenario = (name: string, runsTasksPerSecond: number[]): ScenarioResult => ({
      name,
      tasksPerRun: singleTasks,
      runsTasksPerSecond,
      medianTasksPerSecond: median(runsTasksPerSecond),
    });
    const scenarios: ScenarioResult[] = [
      singleScenario(`createTasks([one]) × ${singleTasks}, ${concurrency} in flight, no group commit`, reference),
      singleScenario(`createTasks([one]) × ${singleTasks}, ${concurrency} in flight, group commit`, single),
      singleScenario(`createTasks([one]) × ${singleTasks}, ${groupConcurrency} in flight, group commit`, wide),
      {
        name: `createTasks(${batchSize} tasks) × ${batches}, ${batchConcurrency} in flight`,
        tasksPerRun: batches * batchSize,
        runsTasksPerSecond: batch,
        medianTasksPerSecond: median(batch),
      },
    ];
    const result: MysqlCreateBenchResult = {
      benchmark: 'mysql-create',
      date: new Date().toISOString(),
      machine: {
        cpus: os.cpus().length,
        cpuModel: os.cpus()[0]?.model ?? 'unknown',
        node: process.version,
        server: version.v,
      },
      scenarios,
      speedup: Math.round((median(batch) / median(single)) * 10) / 10,
      groupCommitSpeedup: Math.round((median(single) / median(reference)) * 10) / 10,
    };
    const file =
      options.resultFile === undefined ? new URL('./results/mysql-create.json', import.meta.url) : options.resultFile;
    if (file !== null) {
      await mkdir(new URL('.', file instanceof URL ? file : pathToFileURL(file)), { recursive: true });
      await writeFile(file, `${JSON.stringify(result, null, 2)}\n`);
    }
    return result;
  } finally {
    await ungrouped.close();
    await close();
    await database.drop();
    await admin.end();
  }
}

function printTable(result: MysqlCreateBenchResult): void {
  const rows = result.scenarios.map((s) => ({
    scenario: s.name,
    'median tasks/s': s.medianTasksPerSecond,
    'runs tasks/s': s.runsTasksPerSecond.join(' / '),
  }));
  console.log(
    `MySQL task creation (${result.machine.server}, ${result.machine.cpus} cores, Node ${result.machine.node})`,
  );
  console.table(rows);
  console.log(
    `batch / single: ${result.speedup}×, group commit / one transaction per call: ${result.groupCommitSpeedup}×`,
  );
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  runMysqlCreateBench()
    .then(printTable)
    .catch((error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    });
}
