/**
 * `npm run bench:smoke`: a one-minute check of the drain paths against BullMQ in the same run,
 * to be run before every change is called done. Small sizes, one run each, so the figures
 * are rough; what it is for is the ratios, and a ratio below half its target is flagged:
 * a regression like a 40× drop shows the day it happens. A benchmark, not a test: CI does
 * not run it. `npm run bench` is the measurement of record (docs/benchmarks.md).
 */
import { DRAIN_SETUPS, type DrainBudget, type DrainSetup } from './lib/drain-budget.ts';
import { closeBullPostgres } from './lib/bullmq-postgres.ts';
import { drainBull, drainBullPostgres, drainOurs, type Drained } from './scenarios/drain.ts';

interface Check {
  label: string;
  setup: DrainSetup['id'];
  concurrency: number;
  budget: DrainBudget;
  anchor: 'bullmq' | 'bullmq-postgres';
  target: number;
}

const memoryBudget: DrainBudget = { n: 20_000, deadlineMs: 6_000 };
const mysqlBudget: DrainBudget = { n: 10_000, deadlineMs: 6_000 };
const CHECKS: Check[] = [
  {
    label: 'memory + memory, c1',
    setup: 'memory-memory',
    concurrency: 1,
    budget: memoryBudget,
    anchor: 'bullmq',
    target: 2,
  },
  {
    label: 'memory + memory, c10',
    setup: 'memory-memory',
    concurrency: 10,
    budget: memoryBudget,
    anchor: 'bullmq',
    target: 2,
  },
  {
    label: 'memory + Redis, c10',
    setup: 'memory-redis',
    concurrency: 10,
    budget: memoryBudget,
    anchor: 'bullmq',
    target: 1.5,
  },
  {
    label: 'MySQL + Redis (distributed example), c10',
    setup: 'mysql-redis',
    concurrency: 10,
    budget: mysqlBudget,
    anchor: 'bullmq',
    target: 0.5,
  },
  {
    label: 'MySQL + Redis vs BullMQ on PostgreSQL, c10',
    setup: 'mysql-redis',
    concurrency: 10,
    budget: mysqlBudget,
    anchor: 'bullmq-postgres',
    target: 4,
  },
  {
    label: 'PostgreSQL + Redis (postgres example), c10',
    setup: 'postgres-redis',
    concurrency: 10,
    budget: mysqlBudget,
    anchor: 'bullmq',
    target: 0.5,
  },
  {
    label: 'PostgreSQL + Redis vs BullMQ on PG, c10',
    setup: 'postgres-redis',
    concurrency: 10,
    budget: mysqlBudget,
    anchor: 'bullmq-postgres',
    target: 4,
  },
];

const anchors = new Map<string, Drained>();
async function anchor(kind: Check['anchor'], concurrency: number): Promise<Drained> {
  const key = `${kind}:${concurrency}`;
  let measured = anchors.get(key);
  if (!measured) {
    measured =
      kind === 'bullmq'
        ? await drainBull(concurrency, memoryBudget)
        : await drainBullPostgres(concurrency, { n: 5_000, deadlineMs: 5_000 });
    anchors.set(key, measured);
  }
  return measured;
}

const ours = new Map<string, Drained>();
async function our(check: Check): Promise<Drained> {
  const key = `${check.setup}:${check.concurrency}`;
  let measured = ours.get(key);
  if (!measured) {
    const setup = DRAIN_SETUPS.find((s) => s.id === check.setup)!;
    measured = await drainOurs(setup, check.concurrency, check.budget);
    ours.set(key, measured);
  }
  return measured;
}

const format = (n: number) => Math.round(n).toLocaleString('en-US').padStart(7);

async function main(): Promise<void> {
  const started = Date.now();
  // Untimed warm-up of our pipeline (JIT), as the full bench does.
  await drainOurs(DRAIN_SETUPS[0]!, 10, { n: 2_000, deadlineMs: 5_000 });
  const flags: string[] = [];
  console.log('bench:smoke: drain of no-op tasks, ours vs the anchor in the same run (tasks/s)');
  for (const check of CHECKS) {
    const [mine, theirs] = [await our(check), await anchor(check.anchor, check.concurrency)];
    const ratio = mine.perSecond / theirs.perSecond;
    const name = check.anchor === 'bullmq' ? 'BullMQ' : 'BullMQ-PG';
    const mark = ratio < check.target / 2 ? '  << below half the target' : ratio < check.target ? '  < target' : '';
    console.log(
      `  ${check.label.padEnd(44)} ${format(mine.perSecond)} vs ${name.padEnd(9)} ${format(theirs.perSecond)}  ${ratio.toFixed(2)}× (target ${check.target}×)${mark}`,
    );
    if (ratio < check.target / 2)
      flags.push(`${check.label}: ${ratio.toFixed(2)}× is below half its target ${check.target}×`);
  }
  console.log(`bench:smoke done in ${((Date.now() - started) / 1000).toFixed(0)} s`);
  for (const flag of flags) console.log(`FLAG ${flag}`);
  await closeBullPostgres();
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
