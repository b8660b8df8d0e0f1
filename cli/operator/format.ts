/** How values read in human output: relative times, durations, statuses in colour. */
import type { TaskStatus } from '../../clients/typescript/src/index.ts';
import type { Colors } from './output.ts';

const UNITS: ReadonlyArray<[limitSeconds: number, divisor: number, unit: string]> = [
  [60, 1, 's'],
  [3_600, 60, 'min'],
  [86_400, 3_600, 'h'],
  [Infinity, 86_400, 'd'],
];

/** "3 s ago", "5 min ago", "in 2 h"; "-" for no time. */
export function relativeTime(iso: string | null | undefined, now: number = Date.now()): string {
  if (!iso) return '-';
  const at = Date.parse(iso);
  if (Number.isNaN(at)) return iso;
  const seconds = Math.round((now - at) / 1000);
  const size = Math.abs(seconds);
  const [, divisor, unit] = UNITS.find(([limit]) => size < limit)!;
  const amount = Math.floor(size / divisor);
  return seconds >= 0 ? `${amount} ${unit} ago` : `in ${amount} ${unit}`;
}

/** "350 ms", "1.2 s", "3 min 5 s". */
export function duration(ms: number): string {
  if (ms < 1_000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const minutes = Math.floor(ms / 60_000);
  return `${minutes} min ${Math.round((ms % 60_000) / 1000)} s`;
}

/** The time between two timestamps, or undefined when either is missing. */
export function between(from: string | null | undefined, to: string | null | undefined): number | undefined {
  if (!from || !to) return undefined;
  return Date.parse(to) - Date.parse(from);
}

/** Green for SUCCESS, red for FAILED and TIMEOUT, yellow waiting, cyan running, dim cancelled. */
export function paintStatus(status: TaskStatus | string, color: Colors): string {
  switch (status) {
    case 'SUCCESS':
      return color.green(status);
    case 'FAILED':
    case 'TIMEOUT':
      return color.red(status);
    case 'PROCESSING':
      return color.cyan(status);
    case 'PENDING':
      return color.yellow(status);
    case 'CANCELLED':
      return color.dim(status);
    default:
      return status;
  }
}

/** 0 → "0 normal", 1 → "1 high". */
export function priorityName(priority: number): string {
  return priority === 1 ? '1 high' : priority === 0 ? '0 normal' : String(priority);
}

/** JSON on one line, shortened to `max` characters for a table cell. */
export function compactJson(value: unknown, max = Infinity): string {
  const text = value === undefined ? '-' : JSON.stringify(value);
  return text.length > max ? `${text.slice(0, Math.max(1, max - 1))}…` : text;
}
