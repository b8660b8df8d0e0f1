/**
 * Draws the drain matrix of the last bench run as an SVG: `npm run bench:chart [results.json]`.
 * Reads bench/results/latest.json (or the file given) and writes docs/bench-drain.svg. A
 * smoke run (BENCH_QUICK) goes to .tmp/bench-drain.quick.svg (git-ignored) instead, so its
 * small numbers never replace the chart in the docs. BENCH_CHART_OUT overrides the output path.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { drainChartSvg, type ChartCaption, type ChartRow } from './lib/drain-chart.ts';

const here = dirname(fileURLToPath(import.meta.url));
export const DEFAULT_RESULTS = resolve(here, 'results/latest.json');
const DOCS_CHART = resolve(here, '../docs/bench-drain.svg');
const QUICK_CHART = resolve(here, '../.tmp/bench-drain.quick.svg');

interface Report {
  date: string;
  node: string;
  quick: boolean;
  runs: number;
  machine: { cpus: number; cpuModel: string; loadavg?: number[] };
  scenarios: ChartRow[];
}

function isReport(value: unknown): value is Report {
  if (typeof value !== 'object' || value === null) return false;
  const r = value as Partial<Report>;
  return (
    typeof r.date === 'string' && typeof r.machine === 'object' && r.machine !== null && Array.isArray(r.scenarios)
  );
}

/** Writes the chart of `resultsFile`'s drain rows; returns where it went. */
export async function writeDrainChart(resultsFile = DEFAULT_RESULTS): Promise<string> {
  const report: unknown = JSON.parse(await readFile(resultsFile, 'utf8'));
  if (!isReport(report)) throw new Error(`${resultsFile}: not a bench report`);
  const rows = report.scenarios.filter((r) => r.name === 'drain' && r.chart !== undefined);
  if (rows.length === 0) throw new Error(`${resultsFile}: no drain rows (run BENCH_ONLY=drain npm run bench first)`);
  const meta: ChartCaption = {
    date: report.date,
    cpus: report.machine.cpus,
    cpuModel: report.machine.cpuModel,
    node: report.node,
    loadavg: report.machine.loadavg,
    runs: report.runs,
    quick: report.quick,
  };
  const out = process.env.BENCH_CHART_OUT ?? (report.quick ? QUICK_CHART : DOCS_CHART);
  await mkdir(dirname(out), { recursive: true });
  await writeFile(out, drainChartSvg(rows, meta));
  return out;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  writeDrainChart(process.argv[2] ? resolve(process.argv[2]) : undefined)
    .then((out) => console.log(`drain chart written to ${out}`))
    .catch((error: unknown) => {
      console.error(error instanceof Error ? error.message : error);
      process.exitCode = 1;
    });
}
