/**
 * The benchmark runner: `npm run bench` (BENCH_QUICK=1 for a fast smoke run, BENCH_ONLY=name
 * for one scenario). Each scenario runs ours and BullMQ back to back on the same Redis with
 * separate key prefixes, RUNS times; the table shows medians and writes bench/results/latest.json.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import { writeDrainChart } from './chart.ts';
import { runMysqlCreateBench } from './mysql-create.ts';
import type { ChartKey, Measurement, Scenario } from './lib/result.ts';
import { median, quick, round } from './lib/stats.ts';
import { creation } from './scenarios/creation.ts';
import { drain } from './scenarios/drain.ts';
import { failover } from './scenarios/failover.ts';
import { failoverCrash } from './scenarios/failover-crash.ts';
import { httpCreate } from './scenarios/http-create.ts';
import { inflight } from './scenarios/inflight.ts';
import { latency } from './scenarios/latency.ts';
import { priority } from './scenarios/priority.ts';
import { scaleOut } from './scenarios/scale-out.ts';

const RUNS = Number(process.env.BENCH_RUNS ?? 3);

/** The MySQL creation bench keeps its own three runs and medians; it has no BullMQ side. */
const mysqlCreate: Scenario = {
  name: 'mysql-create',
  async run() {
    const result = await runMysqlCreateBench(quick ? { singleTasks: 300, batches: 2, runs: 1, resultFile: null } : {});
    return result.scenarios.map((s) => ({
      name: 'mysql-create',
      variant: s.name,
      ours: s.medianTasksPerSecond,
      bullmq: null,
      unit: 'tasks/s',
      higherIsBetter: true,
    }));
  },
};

const scenarios: Scenario[] = [
  drain,
  creation,
  latency,
  priority,
  failover,
  mysqlCreate,
  inflight,
  failoverCrash,
  httpCreate,
  scaleOut,
];

interface Row {
  name: string;
  variant: string;
  ours: number;
  bullmq: number | null;
  unit: string;
  /** > 1 means ours is better: ours ÷ BullMQ for rates, BullMQ ÷ ours for latencies. */
  ratio: number | null;
  runs: { ours: number[]; bullmq: (number | null)[] };
  notes?: string[];
  /** Carried over for bench/chart.ts. */
  chart?: ChartKey;
}

function summarise(runs: Measurement[][]): Row[] {
  const first = runs[0] ?? [];
  return first.map((m, index) => {
    const all = runs.map((r) => r[index]).filter((x): x is Measurement => x !== undefined);
    const ours = median(all.map((x) => x.ours));
    const bullRuns = all.map((x) => x.bullmq);
    const bullmq = bullRuns.every((b) => b !== null) ? median(bullRuns as number[]) : null;
    const ratio =
      bullmq === null || ours === 0 || bullmq === 0 ? null : round(m.higherIsBetter ? ours / bullmq : bullmq / ours, 2);
    const notes = all.map((x) => x.note).filter((n): n is string => !!n);
    return {
      name: m.name,
      variant: m.variant,
      ours: round(ours, 1),
      bullmq: bullmq === null ? null : round(bullmq, 1),
      unit: m.unit,
      ratio,
      runs: { ours: all.map((x) => x.ours), bullmq: bullRuns },
      ...(notes.length > 0 ? { notes } : {}),
      ...(m.chart ? { chart: m.chart } : {}),
    };
  });
}

async function main(): Promise<void> {
  const only = process.env.BENCH_ONLY;
  const chosen = only ? scenarios.filter((s) => only.split(',').includes(s.name)) : scenarios;
  if (chosen.length === 0)
    throw new Error(`BENCH_ONLY=${only}: no such scenario (${scenarios.map((s) => s.name).join(', ')})`);
  const runs = quick ? 1 : RUNS;
  const rows: Row[] = [];
  for (const scenario of chosen) {
    const results: Measurement[][] = [];
    // mysql-create repeats internally; running it three times would only triple the wait.
    const times = scenario.name === 'mysql-create' ? 1 : runs;
    for (let run = 1; run <= times; run++) {
      const started = Date.now();
      results.push(await scenario.run());
      console.error(`${scenario.name}: run ${run}/${times} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    }
    rows.push(...summarise(results));
  }
  const cpus = os.cpus();
  const report = {
    machine: {
      cpus: cpus.length,
      cpuModel: cpus[0]?.model ?? 'unknown',
      loadavg: os.loadavg().map((l) => round(l, 2)),
    },
    node: process.version,
    date: new Date().toISOString(),
    quick,
    runs,
    scenarios: rows,
  };
  console.table(
    rows.map((r) => ({
      scenario: r.name,
      variant: r.variant,
      ours: r.ours,
      bullmq: r.bullmq ?? '-',
      unit: r.unit,
      'ratio (>1 ours better)': r.ratio ?? '-',
    })),
  );
  for (const r of rows) for (const n of r.notes ?? []) console.log(`note ${r.name} / ${r.variant}: ${n}`);
  const dir = new URL('./results/', import.meta.url);
  await mkdir(dir, { recursive: true });
  await writeFile(new URL('latest.json', dir), `${JSON.stringify(report, null, 2)}\n`);
  if (chosen.some((s) => s.name === 'drain')) console.log(`drain chart written to ${await writeDrainChart()}`);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
