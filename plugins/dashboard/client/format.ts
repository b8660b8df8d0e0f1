/** How times, durations and numbers read on screen. */

const units: [number, string][] = [
  [86_400_000, 'd'],
  [3_600_000, 'h'],
  [60_000, 'min'],
  [1_000, 's'],
];

/** `12 s`, `3 min`, `2 h`: the largest unit that fits, no decimals. */
export function duration(ms: number): string {
  const value = Math.max(0, ms);
  for (const [size, unit] of units) if (value >= size) return `${Math.floor(value / size)} ${unit}`;
  return `${Math.round(value)} ms`;
}

/** `5 s ago`, `in 3 min`. */
export function relative(iso: string | null | undefined, now: number): string {
  if (!iso) return '—';
  const delta = now - Date.parse(iso);
  return delta >= 0 ? `${duration(delta)} ago` : `in ${duration(-delta)}`;
}

/** Local date and time to the second. */
export function dateTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  const date = new Date(iso);
  return Number.isNaN(date.getTime())
    ? iso
    : date.toLocaleString(undefined, { dateStyle: 'short', timeStyle: 'medium' });
}

export function count(value: number | undefined): string {
  return value === undefined ? '—' : value.toLocaleString();
}

export function priorityName(priority: number): string {
  return priority === 1 ? 'HIGH' : 'NORMAL';
}

export function json(value: unknown): string {
  if (value === undefined) return '—';
  return JSON.stringify(value, null, 2);
}

/** A long id shortened for a table cell; the full one stays in the title and the link. */
export function shortId(id: string): string {
  return id.length > 13 ? `${id.slice(0, 8)}…${id.slice(-4)}` : id;
}
