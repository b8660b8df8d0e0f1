/** A fixed-size line chart of recent values (null = no data in that bucket); its size never changes with the data. */
export function Sparkline({ values, label, max }: { values: (number | null)[]; label: string; max?: number }) {
  const width = 240;
  const height = 48;
  const top = Math.max(max ?? 0, ...values.map((v) => v ?? 0), Number.EPSILON);
  const step = values.length > 1 ? width / (values.length - 1) : width;
  const points = values
    .map((v, i) => `${(i * step).toFixed(1)},${(height - 2 - ((v ?? 0) / top) * (height - 4)).toFixed(1)}`)
    .join(' ');
  return (
    <svg class="sparkline" viewBox={`0 0 ${width} ${height}`} preserveAspectRatio="none" role="img" aria-label={label}>
      <polyline
        points={points}
        fill="none"
        stroke="currentColor"
        stroke-width="1.5"
        vector-effect="non-scaling-stroke"
      />
    </svg>
  );
}
