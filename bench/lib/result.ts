/** One measured pair: ours and BullMQ on the same machine and Redis, back to back. */
export interface Measurement {
  name: string;
  variant: string;
  ours: number;
  /** null where BullMQ has no equivalent (leader failover, MySQL storage). */
  bullmq: number | null;
  unit: string;
  /** true for tasks/s (more is better); false for latencies (less is better). */
  higherIsBetter: boolean;
  /** Free-form detail of a run (e.g. "timed out at 30 s with 12 000 of 20 000 done"). */
  note?: string;
  /** Where the row goes on a chart (bench/chart.ts); rows without it are not charted. */
  chart?: ChartKey;
}

/** One bar of a grouped chart: our series (e.g. "memory storage + redis queue") at x (e.g. concurrency 10). */
export interface ChartKey {
  series: string;
  x: number;
}

/** A scenario returns one Measurement per variant for a single run. */
export type ScenarioRun = () => Promise<Measurement[]>;

export interface Scenario {
  name: string;
  run: ScenarioRun;
}
