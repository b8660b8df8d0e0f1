import type { ChartKey } from './result.ts';

/** The parts of a bench/results/latest.json row the chart reads. */
export interface ChartRow {
  name: string;
  ours: number;
  bullmq: number | null;
  unit: string;
  runs?: { ours: number[]; bullmq: (number | null)[] };
  notes?: string[];
  chart?: ChartKey;
}

export interface ChartCaption {
  /** ISO date of the run. */
  date: string;
  cpus: number;
  cpuModel: string;
  node: string;
  loadavg?: number[];
  /** Runs per variant (the bars are their medians). */
  runs: number;
  quick: boolean;
}

export const BULLMQ_SERIES = 'BullMQ Worker';

interface Bar {
  series: string;
  x: number;
  value: number;
  min: number;
  max: number;
  /** At least one run stopped at its deadline: the value is the rate so far. */
  partial: boolean;
}

const WIDTH = 820;
const HEIGHT = 490;
const PLOT = { left: 78, right: 20, top: 56, bottom: 136 };
const COLORS = ['#4e79a7', '#59a14f', '#b07aa1', '#e15759', '#f28e2b', '#76b7b2'];
const BULLMQ_COLOR = '#9c9c9c';
/** Rough width of one 12 px Helvetica character, to lay the legend out without measuring text. */
const LEGEND_CHAR = 6.8;

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** 21939 → "21 939" (a thin space, as in docs/benchmarks.md's tables). */
export function formatRate(value: number): string {
  return Math.round(value)
    .toString()
    .replace(/\B(?=(\d{3})+(?!\d))/g, '\u2009');
}

/** A round tick step (1, 2, 2.5 or 5 × 10^k) giving at most five ticks up to `max`. */
function tickStep(max: number): number {
  if (max <= 0) return 1;
  const raw = max / 5;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  return ([1, 2, 2.5, 5, 10].find((m) => m * magnitude >= raw) ?? 10) * magnitude;
}

/** The drain scenario's notes say "ours 812/50000 …" or "BullMQ 812/50000 …" when a run hit its deadline. */
function partial(notes: readonly string[] | undefined, who: 'ours' | 'BullMQ'): boolean {
  const pattern = new RegExp(`\\b${who} \\d+/\\d+`);
  return (notes ?? []).some((n) => pattern.test(n));
}

function spread(values: readonly (number | null)[] | undefined, fallback: number): { min: number; max: number } {
  const known = (values ?? []).filter((v): v is number => typeof v === 'number' && Number.isFinite(v));
  return known.length > 0 ? { min: Math.min(...known), max: Math.max(...known) } : { min: fallback, max: fallback };
}

/** Our bars from the charted rows, then one BullMQ bar per x (the same figure is shared by our rows at that x). */
function bars(rows: readonly ChartRow[]): { bars: Bar[]; series: string[]; xs: number[] } {
  const charted = rows.filter((r): r is ChartRow & { chart: ChartKey } => r.chart !== undefined);
  const series = [...new Set(charted.map((r) => r.chart.series))];
  const xs = [...new Set(charted.map((r) => r.chart.x))].sort((a, b) => a - b);
  const out: Bar[] = charted.map((r) => ({
    series: r.chart.series,
    x: r.chart.x,
    value: r.ours,
    ...spread(r.runs?.ours, r.ours),
    partial: partial(r.notes, 'ours'),
  }));
  let hasBull = false;
  for (const x of xs) {
    const row = charted.find((r) => r.chart.x === x && r.bullmq !== null);
    if (!row || row.bullmq === null) continue;
    hasBull = true;
    out.push({
      series: BULLMQ_SERIES,
      x,
      value: row.bullmq,
      ...spread(row.runs?.bullmq, row.bullmq),
      partial: partial(row.notes, 'BullMQ'),
    });
  }
  return { bars: out, series: hasBull ? [...series, BULLMQ_SERIES] : series, xs };
}

function caption(meta: ChartCaption): string {
  const day = meta.date.slice(0, 10);
  const load =
    meta.loadavg && meta.loadavg.length > 0
      ? `, load average ${meta.loadavg.map((l) => l.toFixed(1)).join(' / ')} at the end`
      : '';
  const runs = meta.runs > 1 ? `median of ${meta.runs} runs, whiskers = min–max` : 'a single run';
  return `${day} · ${meta.cpus} × ${meta.cpuModel} · Node ${meta.node}${load} · ${runs}`;
}

/**
 * A grouped bar chart of drain throughput: one group per x (worker concurrency), one bar per
 * series (our setups, then BullMQ), the value written on each bar. Hand-written SVG so the
 * docs need no charting dependency.
 */
export function drainChartSvg(rows: readonly ChartRow[], meta: ChartCaption): string {
  const { bars: all, series, xs } = bars(rows);
  if (all.length === 0) throw new Error('no charted drain rows (rows with a `chart` key)');
  const plotWidth = WIDTH - PLOT.left - PLOT.right;
  const plotHeight = HEIGHT - PLOT.top - PLOT.bottom;
  const step = tickStep(Math.max(...all.map((b) => Math.max(b.value, b.max))));
  const top = step * Math.ceil(Math.max(...all.map((b) => Math.max(b.value, b.max))) / step);
  const y = (value: number) => PLOT.top + plotHeight - (Math.max(0, value) / top) * plotHeight;
  const groupWidth = plotWidth / xs.length;
  const barWidth = Math.min(56, (groupWidth * 0.8) / series.length);
  const color = (s: string) =>
    s === BULLMQ_SERIES ? BULLMQ_COLOR : (COLORS[series.indexOf(s) % COLORS.length] as string);
  const parts: string[] = [];
  const text = (x: number, yy: number, content: string, attrs = '') =>
    parts.push(
      `<text x="${x.toFixed(1)}" y="${yy.toFixed(1)}"${attrs ? ` ${attrs}` : ''}>${escapeXml(content)}</text>`,
    );

  parts.push(`<rect x="0" y="0" width="${WIDTH}" height="${HEIGHT}" fill="#ffffff"/>`);
  text(
    WIDTH / 2,
    24,
    'Drain throughput of no-op tasks by worker concurrency (higher is better)',
    'text-anchor="middle" font-size="15" font-weight="bold"',
  );
  if (meta.quick)
    text(
      WIDTH / 2,
      42,
      'SMOKE RUN (BENCH_QUICK): small sizes, not a measurement',
      'text-anchor="middle" font-size="12" fill="#e15759"',
    );
  else
    text(
      WIDTH / 2,
      42,
      'one worker drains a queue filled before it starts; ours and BullMQ on the same Redis and machine',
      'text-anchor="middle" font-size="12" fill="#444"',
    );

  // Y axis: a gridline per round step.
  for (let i = 0; i * step <= top; i++) {
    const value = step * i;
    const yy = y(value);
    parts.push(
      `<line x1="${PLOT.left}" y1="${yy.toFixed(1)}" x2="${WIDTH - PLOT.right}" y2="${yy.toFixed(1)}" stroke="${i === 0 ? '#333' : '#e3e3e3'}"/>`,
    );
    text(PLOT.left - 6, yy + 4, formatRate(value), 'text-anchor="end" font-size="11"');
  }
  text(
    18,
    PLOT.top + plotHeight / 2,
    'tasks/s',
    `text-anchor="middle" font-size="12" transform="rotate(-90 18 ${(PLOT.top + plotHeight / 2).toFixed(1)})"`,
  );

  xs.forEach((x, group) => {
    const groupLeft = PLOT.left + group * groupWidth + (groupWidth - barWidth * series.length) / 2;
    text(
      PLOT.left + group * groupWidth + groupWidth / 2,
      PLOT.top + plotHeight + 18,
      `concurrency ${x}`,
      'text-anchor="middle" font-size="12"',
    );
    series.forEach((s, index) => {
      const bar = all.find((b) => b.series === s && b.x === x);
      if (!bar) return;
      const left = groupLeft + index * barWidth;
      const barTop = y(bar.value);
      const height = PLOT.top + plotHeight - barTop;
      parts.push(
        `<rect class="bar" data-series="${escapeXml(s)}" data-x="${x}" data-value="${bar.value}" x="${(left + 1).toFixed(1)}" y="${barTop.toFixed(1)}" width="${(barWidth - 2).toFixed(1)}" height="${height.toFixed(1)}" fill="${color(s)}"/>`,
      );
      if (bar.max > bar.min) {
        const mid = left + barWidth / 2;
        parts.push(
          `<line class="spread" x1="${mid.toFixed(1)}" y1="${y(bar.min).toFixed(1)}" x2="${mid.toFixed(1)}" y2="${y(bar.max).toFixed(1)}" stroke="#222" stroke-width="1"/>`,
        );
      }
      const labelY = Math.min(barTop, y(bar.max)) - 4;
      text(
        left + barWidth / 2,
        labelY,
        `${formatRate(bar.value)}${bar.partial ? '*' : ''}`,
        'class="value" text-anchor="middle" font-size="10"',
      );
    });
  });
  text(
    PLOT.left + plotWidth / 2,
    PLOT.top + plotHeight + 38,
    'worker concurrency (our worker capacity / BullMQ Worker concurrency)',
    'text-anchor="middle" font-size="12"',
  );

  // Legend: entries flow left to right under the axis label and wrap when the row is full.
  let lx = PLOT.left;
  let legendY = PLOT.top + plotHeight + 62;
  for (const s of series) {
    const width = 17 + s.length * LEGEND_CHAR + 22;
    if (lx > PLOT.left && lx + width > WIDTH - PLOT.right) {
      lx = PLOT.left;
      legendY += 18;
    }
    parts.push(
      `<rect class="legend" x="${lx.toFixed(1)}" y="${legendY - 10}" width="12" height="12" fill="${color(s)}"/>`,
    );
    text(lx + 17, legendY, s, 'font-size="12"');
    lx += width;
  }
  const anyPartial = all.some((b) => b.partial);
  text(
    PLOT.left,
    HEIGHT - 26,
    `${anyPartial ? '* at least one run stopped at its deadline: rate so far. ' : ''}BullMQ: one run per concurrency, shared by our setups.`,
    'font-size="11" fill="#444"',
  );
  text(PLOT.left, HEIGHT - 10, caption(meta), 'font-size="11" fill="#444"');

  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}" font-family="Helvetica, Arial, sans-serif">`,
    ...parts.map((p) => `  ${p}`),
    '</svg>',
    '',
  ].join('\n');
}
