import { bullQueue, bullWorker, closeBull, startRunning } from '../lib/bullmq.ts';
import { freshMysqlDatabase, type BenchDatabase } from '../lib/mysql-database.ts';
import { ourApp, stopApp, NOOP_TYPE } from '../lib/our-app.ts';
import { pacedLatency, type LatencySummary } from '../lib/paced.ts';
import { benchPrefix } from '../lib/redis-keys.ts';
import type { Measurement, Scenario } from '../lib/result.ts';
import { quick } from '../lib/stats.ts';

/** 200/s: a steady load; 2 000/s: near what one process on this machine can schedule and run. */
const STEADY = 200;
const NEAR_SATURATION = 2_000;
const SECONDS = quick ? 2 : 5;
/** Half a second at the rate, untimed: JIT, connections, the leader elected. */
const WARMUP_SECONDS = 0.5;
const CAPACITY = 100;
/** The generator counts as having kept up when it sent at ≥ 95 % of the rate. */
const KEPT_UP = 0.95;

type Probe = ReturnType<typeof pacedLatency>;

/**
 * The probe currently timing, and its round: a start that belongs to an earlier round (a
 * warm-up straggler) is not counted against the new round's send times.
 */
class Rounds {
  private round = 0;
  private probe: Probe | undefined;

  begin(probe: Probe): number {
    this.probe = probe;
    return ++this.round;
  }

  started(round: number, i: number): void {
    if (round === this.round) this.probe?.started(i);
  }
}

interface Sent {
  round: number;
  i: number;
}

/** Warm-up at the same rate, then rate × SECONDS timed sends. */
async function paced(rate: number, rounds: Rounds, send: (payload: Sent) => Promise<unknown>): Promise<LatencySummary> {
  const warmup = pacedLatency(rate, Math.round(rate * WARMUP_SECONDS));
  const warmupRound = rounds.begin(warmup);
  await warmup.run((i) => send({ round: warmupRound, i }));
  const probe = pacedLatency(rate, rate * SECONDS);
  const round = rounds.begin(probe);
  return probe.run((i) => send({ round, i }));
}

/** Memory or MySQL storage + Redis queue, all roles in one process: create() call → handler entry. */
async function ours(rate: number, mysql: boolean): Promise<LatencySummary> {
  const prefix = benchPrefix('ours');
  const rounds = new Rounds();
  let database: BenchDatabase | undefined;
  try {
    database = mysql ? await freshMysqlDatabase() : undefined;
    const app = await ourApp({
      queue: 'redis',
      prefix,
      capacity: CAPACITY,
      mysqlUrl: database?.url,
      handler: (payload) => {
        rounds.started(payload.round as number, payload.i as number);
        return null;
      },
    });
    try {
      const create = (payload: Sent) => app.services.tasks.create({ taskType: NOOP_TYPE, payload: { ...payload } });
      return await paced(rate, rounds, create);
    } finally {
      await stopApp(app, { prefix });
    }
  } finally {
    await database?.drop();
  }
}

/** queue.add() call → processor entry, worker concurrency 100 on the same Redis. */
async function bull(rate: number): Promise<LatencySummary> {
  const prefix = benchPrefix('bull');
  const queue = bullQueue(prefix);
  const rounds = new Rounds();
  const worker = bullWorker(prefix, CAPACITY, async (job) => {
    const sent = job.data as Sent;
    rounds.started(sent.round, sent.i);
    return null;
  });
  try {
    await worker.waitUntilReady();
    startRunning(worker);
    const add = (payload: Sent) => queue.add('noop', payload, { removeOnComplete: true });
    return await paced(rate, rounds, add);
  } finally {
    await closeBull({ queue, worker, prefix });
  }
}

/** Says when a side did not start every task or its generator fell behind the rate. */
function note(rate: number, sides: Record<string, LatencySummary>): string | undefined {
  const issues = Object.entries(sides).flatMap(([who, s]) => [
    ...(s.started < s.sent ? [`${who} started ${s.started}/${s.sent}`] : []),
    ...(s.achievedPerSecond < rate * KEPT_UP
      ? [`${who} sent at ${s.achievedPerSecond}/s (max lag ${s.maxLagMs} ms)`]
      : []),
  ]);
  return issues.length > 0 ? issues.join(', ') : undefined;
}

function rows(
  label: string,
  rate: number,
  mine: LatencySummary,
  theirs: LatencySummary,
  comparison = '',
): Measurement[] {
  const detail = note(rate, { ours: mine, BullMQ: theirs });
  return (['p50', 'p95', 'p99'] as const).map(
    (p): Measurement => ({
      name: 'latency',
      variant: `${label}: create → executor start ${p}, ${rate}/s for ${SECONDS} s${comparison}`,
      ours: mine[p],
      bullmq: theirs[p],
      unit: 'ms',
      higherIsBetter: false,
      note: detail,
    }),
  );
}

/**
 * create() → executor start at a steady 200/s and near saturation (2 000/s): memory storage
 * + Redis queue against BullMQ at the same rates; MySQL storage + Redis queue at 200/s,
 * compared with the same run's BullMQ 200/s figure (BullMQ has no storage of its own).
 */
export const latency: Scenario = {
  name: 'latency',
  async run() {
    const memorySteady = await ours(STEADY, false);
    const bullSteady = await bull(STEADY);
    const mysqlSteady = await ours(STEADY, true);
    const memoryHigh = await ours(NEAR_SATURATION, false);
    const bullHigh = await bull(NEAR_SATURATION);
    return [
      ...rows('memory storage + redis queue', STEADY, memorySteady, bullSteady),
      ...rows('memory storage + redis queue', NEAR_SATURATION, memoryHigh, bullHigh),
      ...rows('mysql storage + redis queue', STEADY, mysqlSteady, bullSteady, ` (BullMQ: its ${STEADY}/s run above)`),
    ];
  },
};
