import { describe, expect, it } from 'vitest';
import { CronSpec } from './cron.ts';

const at = (iso: string) => new Date(iso);

describe('CronSpec', () => {
  it('reads 5 fields with minute precision and 6 with seconds first', () => {
    expect(CronSpec.parse('*/15 * * * *', 'UTC').next(at('2026-01-01T00:07:30.000Z'))).toEqual(
      at('2026-01-01T00:15:00.000Z'),
    );
    expect(CronSpec.parse('*/10 * * * * *', 'UTC').next(at('2026-01-01T00:00:03.000Z'))).toEqual(
      at('2026-01-01T00:00:10.000Z'),
    );
  });

  it('follows the time zone and its daylight-saving time', () => {
    const paris = CronSpec.parse('0 3 * * *', 'Europe/Paris');
    expect(paris.next(at('2026-01-10T12:00:00.000Z'))).toEqual(at('2026-01-11T02:00:00.000Z'));
    expect(paris.next(at('2026-07-10T12:00:00.000Z'))).toEqual(at('2026-07-11T01:00:00.000Z'));
  });

  it('refuses other field counts, bad fields and unknown zones with 40001 naming the field', () => {
    for (const [cron, zone, field] of [
      ['* * * *', 'UTC', 'cron'],
      ['* * * * * * *', 'UTC', 'cron'],
      ['0 25 * * *', 'UTC', 'cron'],
      ['* * * * *', 'Nowhere/City', 'timezone'],
    ] as const) {
      expect(() => CronSpec.parse(cron, zone)).toThrow(expect.objectContaining({ code: 40001, details: { field } }));
    }
  });

  it('keeps the newest due fire times and counts the skipped ones', () => {
    const spec = CronSpec.parse('* * * * *', 'UTC');
    const { due, skipped, next } = spec.dueSince(at('2026-01-01T00:01:00.000Z'), at('2026-01-01T00:10:30.000Z'), 2);
    expect(due).toEqual([at('2026-01-01T00:09:00.000Z'), at('2026-01-01T00:10:00.000Z')]);
    expect(skipped).toBe(8);
    expect(next).toEqual(at('2026-01-01T00:11:00.000Z'));
  });

  it('jumps close to now when far behind instead of walking every missed second', () => {
    const spec = CronSpec.parse('* * * * * *', 'UTC');
    const started = performance.now();
    const { due, skipped, next } = spec.dueSince(at('2026-01-01T00:00:00.000Z'), at('2026-01-08T00:00:00.500Z'), 1);
    expect(due).toEqual([at('2026-01-08T00:00:00.000Z')]);
    expect(skipped).toBeGreaterThan(0);
    expect(next).toEqual(at('2026-01-08T00:00:01.000Z'));
    expect(performance.now() - started).toBeLessThan(5_000);
  });
});
