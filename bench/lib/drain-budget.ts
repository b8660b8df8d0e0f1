import type { QueueKind } from './our-app.ts';
import { quick } from './stats.ts';

export const DRAIN_CONCURRENCIES = [1, 10, 100] as const;
export type DrainConcurrency = (typeof DRAIN_CONCURRENCIES)[number];

export type DrainSetupId = 'memory-memory' | 'memory-redis' | 'mysql-redis' | 'postgres-redis';
/** BullMQ on Redis, and BullMQ on its PostgreSQL backend (the durable anchor). */
export type Anchor = 'bullmq' | 'bullmq-postgres';

export interface DrainSetup {
  id: DrainSetupId;
  /** Also the chart's series name. */
  label: string;
  queue: QueueKind;
  /**
   * memory, or a durable storage as a user deploys it (examples/distributed for MySQL,
   * examples/postgres for PostgreSQL) on a fresh database / schema: every transition and log
   * row committed.
   */
  storage: 'memory' | 'mysql' | 'postgres';
}

export const DRAIN_SETUPS: readonly DrainSetup[] = [
  { id: 'memory-memory', label: 'memory storage + memory queue', queue: 'memory', storage: 'memory' },
  { id: 'memory-redis', label: 'memory storage + redis queue', queue: 'redis', storage: 'memory' },
  {
    id: 'mysql-redis',
    label: 'mysql storage + redis queue (examples/distributed as shipped)',
    queue: 'redis',
    storage: 'mysql',
  },
  {
    id: 'postgres-redis',
    label: 'postgresql storage + redis queue (examples/postgres as shipped)',
    queue: 'redis',
    storage: 'postgres',
  },
];

export interface DrainBudget {
  /** Tasks queued before the worker starts. */
  n: number;
  /** Past it the run stops and reports its rate so far (done ÷ elapsed). */
  deadlineMs: number;
}

const FULL_N = 50_000;
const QUICK_N = 2_000;

/**
 * Full-run budgets, chosen so one drain run (12 drains, ~25 s of precreating) stays under
 * ~2 minutes on a 2-core machine and the three runs under ~6: the fast variants (memory
 * storage and BullMQ at concurrency 10 and 100, 10–20 000/s) finish 50 000 well inside their
 * 10 s; the slow ones (concurrency 1, MySQL) are cut off and report their rate over 8 or
 * 10 s, long enough for a steady figure. MySQL at concurrency 1 queues 10 000 rather than
 * 50 000: it drains a few hundred per second, so the rest would only add precreate time.
 */
const FULL: Record<DrainSetupId | Anchor, Record<DrainConcurrency, DrainBudget>> = {
  'memory-memory': {
    1: { n: FULL_N, deadlineMs: 8_000 },
    10: { n: FULL_N, deadlineMs: 10_000 },
    100: { n: FULL_N, deadlineMs: 10_000 },
  },
  'memory-redis': {
    1: { n: FULL_N, deadlineMs: 8_000 },
    10: { n: FULL_N, deadlineMs: 10_000 },
    100: { n: FULL_N, deadlineMs: 10_000 },
  },
  'mysql-redis': {
    1: { n: 20_000, deadlineMs: 8_000 },
    10: { n: FULL_N, deadlineMs: 10_000 },
    100: { n: FULL_N, deadlineMs: 10_000 },
  },
  'postgres-redis': {
    1: { n: 20_000, deadlineMs: 8_000 },
    10: { n: FULL_N, deadlineMs: 10_000 },
    100: { n: FULL_N, deadlineMs: 10_000 },
  },
  bullmq: {
    1: { n: FULL_N, deadlineMs: 8_000 },
    10: { n: FULL_N, deadlineMs: 10_000 },
    100: { n: FULL_N, deadlineMs: 10_000 },
  },
  'bullmq-postgres': {
    1: { n: 10_000, deadlineMs: 8_000 },
    10: { n: 20_000, deadlineMs: 10_000 },
    100: { n: 20_000, deadlineMs: 10_000 },
  },
};

function envNumber(name: string): number | undefined {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return undefined;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`${name}=${raw}: expected a positive number`);
  return value;
}

/**
 * N and deadline of one drain. BENCH_DRAIN_N sets N for every variant, BENCH_DRAIN_DEADLINE_S
 * every deadline; BENCH_QUICK=1 uses 2 000 tasks and 3 s everywhere (a smoke run checks the
 * plumbing, not the figures).
 */
export function drainBudget(who: DrainSetupId | Anchor, concurrency: DrainConcurrency): DrainBudget {
  const base = quick ? { n: QUICK_N, deadlineMs: 3_000 } : FULL[who][concurrency];
  const n = envNumber('BENCH_DRAIN_N');
  const deadlineS = envNumber('BENCH_DRAIN_DEADLINE_S');
  return {
    n: n === undefined ? base.n : Math.round(n),
    deadlineMs: deadlineS === undefined ? base.deadlineMs : deadlineS * 1000,
  };
}
