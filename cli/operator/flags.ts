/**
 * Option values from text to what the client sends. Only the form is checked here (a number,
 * JSON); what the server accepts (priority 0 or 1, a delay of at most a year, …) is the
 * server's rule and comes back as its error.
 */
import { UsageError } from './exit-codes.ts';

type Raw = string | number | boolean | undefined | Array<string | number | boolean>;

/** The last value of a repeated option, as text; undefined when absent. */
export function text(value: Raw, flag: string): string | undefined {
  const last = Array.isArray(value) ? value.at(-1) : value;
  if (last === undefined) return undefined;
  if (typeof last === 'boolean') throw new UsageError(`${flag} needs a value`);
  return String(last);
}

/** A finite number (`--delay 1.5`). */
export function number(value: Raw, flag: string): number | undefined {
  const written = text(value, flag);
  if (written === undefined) return undefined;
  const parsed = Number(written);
  if (written.trim() === '' || !Number.isFinite(parsed))
    throw new UsageError(`${flag} must be a number, not "${written}"`);
  return parsed;
}

/** A whole number of at least `min` (`--limit 20`). */
export function integer(value: Raw, flag: string, min: number): number | undefined {
  const parsed = number(value, flag);
  if (parsed === undefined) return undefined;
  if (!Number.isInteger(parsed) || parsed < min)
    throw new UsageError(`${flag} must be a whole number of at least ${min}, not "${text(value, flag)}"`);
  return parsed;
}

/** Seconds greater than zero (`--timeout 30`). */
export function positiveSeconds(value: Raw, flag: string): number | undefined {
  const parsed = number(value, flag);
  if (parsed !== undefined && parsed <= 0)
    throw new UsageError(`${flag} must be a number of seconds greater than 0, not "${text(value, flag)}"`);
  return parsed;
}

/** A JSON document (`--payload '{"to":"ann@example.com"}'`); its shape is the server's to judge. */
export function json(value: Raw, flag: string): unknown {
  const written = text(value, flag);
  if (written === undefined) return undefined;
  try {
    return JSON.parse(written) as unknown;
  } catch (error) {
    throw new UsageError(`${flag} must be JSON: ${(error as Error).message}`);
  }
}
