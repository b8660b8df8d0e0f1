import { spawnTs } from '../lib/child.ts';
import type { InflightResult } from '../lib/inflight-child.ts';
import { benchPrefix, deleteKeys } from '../lib/redis-keys.ts';
import type { Measurement, Scenario } from '../lib/result.ts';
import { quick, round } from '../lib/stats.ts';

/** The figure: 10 000 tasks in flight at once in one worker (also in quick mode: it is the point). */
const TASKS = Number(process.env.BENCH_INFLIGHT_N ?? 10_000);
const SLEEP_MS = quick ? 1_000 : 2_000;
const DEADLINE_MS = 60_000;
const CHILD = new URL('../lib/inflight-child.ts', import.meta.url);

/** Each side runs in its own process (with --expose-gc) so the RSS figures are its own. */
async function runSide(side: 'ours' | 'bull'): Promise<InflightResult> {
  const prefix = benchPrefix(side);
  const child = spawnTs(CHILD, [side, prefix, String(TASKS), String(SLEEP_MS), String(DEADLINE_MS)], ['--expose-gc']);
  try {
    return JSON.parse(await child.line('result ', DEADLINE_MS + 60_000)) as InflightResult;
  } finally {
    await child.kill();
    await deleteKeys(prefix);
  }
}

function describe(who: string, r: InflightResult): string {
  const mb = (x: number) => round(x, 1);
  return `${who}: ${r.succeeded}/${r.tasks} succeeded, ${r.failed} failed; RSS before ${mb(r.before.rssMb)} MB, sampled peak ${mb(r.sampledPeakRssMb)} MB, after ${mb(r.after.rssMb)} MB; heap before ${mb(r.before.heapUsedMb)} MB, after ${mb(r.after.heapUsedMb)} MB`;
}

export const inflight: Scenario = {
  name: 'inflight',
  async run() {
    const ours = await runSide('ours');
    const bull = await runSide('bull');
    const incomplete = ours.succeeded < TASKS || bull.succeeded < TASKS ? 'NOT ALL SUCCEEDED; ' : '';
    const note = `${incomplete}${describe('ours', ours)} | ${describe('BullMQ', bull)}`;
    const variant = `memory storage + redis queue: ${TASKS} × sleep ${SLEEP_MS / 1000} s, capacity ${TASKS} vs Worker concurrency ${TASKS}`;
    const row = (what: string, unit: string, mine: number, theirs: number, digits: number): Measurement => ({
      name: 'inflight',
      variant: `${variant}: ${what}`,
      ours: round(mine, digits),
      bullmq: round(theirs, digits),
      unit,
      higherIsBetter: false,
    });
    return [
      { ...row('wall time, worker start → last done', 's', ours.wallMs / 1000, bull.wallMs / 1000, 2), note },
      row('RSS before creating the tasks (after GC)', 'MB', ours.before.rssMb, bull.before.rssMb, 1),
      row('peak RSS of the process', 'MB', ours.peakRssMb, bull.peakRssMb, 1),
      // Ours keeps the finished tasks and their logs in memory storage; BullMQ removes its jobs (removeOnComplete).
      row('RSS after the last task finished (after GC)', 'MB', ours.after.rssMb, bull.after.rssMb, 1),
    ];
  },
};
