import { z } from 'zod';

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** "100ms", "10s", "5m", "1h", "7d", "250" or 250 → milliseconds; undefined when not a duration. */
export function parseDuration(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) && value >= 0 ? value : undefined;
  if (typeof value !== 'string') return undefined;
  const match = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)?\s*$/.exec(value);
  if (!match) return undefined;
  return Math.round(Number(match[1]) * UNIT_MS[match[2] ?? 'ms']!);
}

/** A zod schema for a duration setting, in milliseconds once parsed. */
export function duration() {
  return z.union([z.number(), z.string()]).transform((value, ctx) => {
    const ms = parseDuration(value);
    if (ms === undefined) {
      ctx.addIssue({
        code: 'custom',
        message: `expected a duration like "100ms", "10s" or a number of milliseconds, got ${JSON.stringify(value)}`,
      });
      return z.NEVER;
    }
    return ms;
  });
}

/** Integers from config files or environment strings ("10"). */
export function integer(min: number, max: number) {
  return z.coerce.number().int().min(min).max(max);
}

/** Booleans from config files or environment strings ("true", "0"). */
export function boolean() {
  return z
    .union([z.boolean(), z.enum(['true', 'false', '1', '0', 'yes', 'no'])])
    .transform((v) => (typeof v === 'boolean' ? v : v === 'true' || v === '1' || v === 'yes'));
}
