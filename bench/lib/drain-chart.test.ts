import { describe, expect, it } from 'vitest';
import { BULLMQ_SERIES, drainChartSvg, formatRate, type ChartCaption, type ChartRow } from './drain-chart.ts';

const meta: ChartCaption = {
  date: '2026-11-23T19:00:00.000Z',
  cpus: 2,
  cpuModel: 'AMD EPYC',
  node: 'v20.20.2',
  loadavg: [1.5, 1, 0.5],
  runs: 3,
  quick: false,
};

function row(series: string, x: number, ours: number, bullmq: number, notes?: string[]): ChartRow {
  return {
    name: 'drain',
    ours,
    bullmq,
    unit: 'tasks/s',
    runs: { ours: [ours], bullmq: [bullmq] },
    chart: { series, x },
    ...(notes ? { notes } : {}),
  };
}

const rows: ChartRow[] = [
  row('memory storage + memory queue', 1, 2000, 1500),
  row('mysql storage + redis queue', 1, 250, 1500, [
    'deadline reached, rate so far: ours 2000/10000 in 8.0 s (deadline 8 s)',
  ]),
  row('memory storage + memory queue', 10, 20000, 10000),
  row('mysql storage + redis queue', 10, 1000, 10000),
  // Not charted: no chart key.
  { name: 'drain', ours: 99999, bullmq: 1, unit: 'tasks/s' },
];

interface BarAttrs {
  series: string;
  x: number;
  value: number;
  height: number;
}

function barsOf(svg: string): BarAttrs[] {
  return [
    ...svg.matchAll(
      /<rect class="bar" data-series="([^"]+)" data-x="(\d+)" data-value="([\d.]+)"[^>]* height="([\d.]+)"/g,
    ),
  ].map((m) => ({
    series: m[1] as string,
    x: Number(m[2]),
    value: Number(m[3]),
    height: Number(m[4]),
  }));
}

describe('drain chart SVG', () => {
  const svg = drainChartSvg(rows, meta);
  const bars = barsOf(svg);

  it('draws one bar per charted row plus one BullMQ bar per concurrency', () => {
    expect(bars).toHaveLength(6);
    expect(bars.filter((b) => b.series === BULLMQ_SERIES).map((b) => [b.x, b.value])).toEqual([
      [1, 1500],
      [10, 10000],
    ]);
    expect(bars.some((b) => b.value === 99999)).toBe(false);
  });

  it('makes bar heights proportional to the values', () => {
    const reference = bars.find((b) => b.value === 20000);
    expect(reference).toBeDefined();
    for (const bar of bars) {
      expect(bar.height / (reference as BarAttrs).height).toBeCloseTo(bar.value / 20000, 2);
    }
  });

  it('writes values on the bars, marks partial runs, and has axes, legend and caption', () => {
    expect(svg).toContain(`>${formatRate(20000)}</text>`);
    expect(svg).toContain('>250*</text>');
    expect(svg).toContain(`>${formatRate(2000)}</text>`);
    expect(svg).toContain('>concurrency 1</text>');
    expect(svg).toContain('>concurrency 10</text>');
    expect(svg).toContain('>tasks/s</text>');
    for (const series of ['memory storage + memory queue', 'mysql storage + redis queue', BULLMQ_SERIES]) {
      expect(svg).toContain(`>${series}</text>`);
    }
    expect(svg).toContain('2026-11-23 · 2 × AMD EPYC · Node v20.20.2');
    expect(svg).toContain('median of 3 runs');
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
  });

  it('refuses rows with nothing to chart', () => {
    expect(() => drainChartSvg([{ name: 'drain', ours: 1, bullmq: null, unit: 'tasks/s' }], meta)).toThrow(
      /no charted drain rows/,
    );
  });
});
