import { Cron } from 'croner';
import { InvalidParameterError } from '../../domain/errors.ts';

/** Occurrences walked before the walk restarts near `now` (a per-second cron after days of downtime). */
const MAX_WALK = 10_000;
/** Where that restart begins: this long before `now`. */
const RESTART_WINDOW_MS = 10 * 60_000;

/** A validated cron expression in its time zone (croner does the calendar and DST arithmetic). */
export class CronSpec {
  private constructor(private readonly cron: Cron) {}

  /**
   * 5 fields (minute first) or 6 (seconds first); `timezone` an IANA name. Throws 40001
   * naming `field` / `timezoneField` when either is not valid.
   */
  static parse(expression: string, timezone: string, field = 'cron', timezoneField = 'timezone'): CronSpec {
    if (!isTimeZone(timezone)) {
      throw new InvalidParameterError(`invalid parameter ${timezoneField}: not an IANA time zone`, {
        field: timezoneField,
      });
    }
    const fields = expression.trim().split(/\s+/);
    if (fields.length !== 5 && fields.length !== 6) {
      throw new InvalidParameterError(`invalid parameter ${field}: expected 5 or 6 fields, got ${fields.length}`, {
        field,
      });
    }
    try {
      return new CronSpec(new Cron(fields.join(' '), { timezone, paused: true, mode: '5-or-6-parts' }));
    } catch (error) {
      throw new InvalidParameterError(`invalid parameter ${field}: ${(error as Error).message}`, { field });
    }
  }

  /** The first occurrence strictly after `after`, or null when there is none. */
  next(after: Date): Date | null {
    return this.cron.nextRun(after) ?? null;
  }

  /**
   * The occurrences from `first` (itself one) up to `now`, keeping only the newest `keep`, and
   * how many older ones were skipped; `next` is the first occurrence after `now`.
   */
  dueSince(first: Date, now: Date, keep: number): { due: Date[]; skipped: number; next: Date | null } {
    let skipped = 0;
    const due: Date[] = [];
    let at: Date | null = first;
    let walked = 0;
    while (at && at.getTime() <= now.getTime()) {
      due.push(at);
      if (due.length > keep) {
        due.shift();
        skipped++;
      }
      if (++walked === MAX_WALK) {
        // Far behind: jump close to now instead of walking every missed occurrence.
        const restart = this.next(new Date(now.getTime() - RESTART_WINDOW_MS));
        if (restart && restart.getTime() > at.getTime()) {
          skipped += due.length;
          due.length = 0;
          at = restart;
          walked = 0;
          continue;
        }
      }
      at = this.next(at);
    }
    return { due, skipped, next: at };
  }
}

function isTimeZone(name: string): boolean {
  if (name.length === 0 || name.length > 64) return false;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}
