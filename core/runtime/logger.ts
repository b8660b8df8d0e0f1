import { pino } from 'pino';
import pinoPretty from 'pino-pretty';
import type { Logger } from '../ports/logger.ts';

export interface LoggerOptions {
  name?: string;
  level: string;
  /** Readable lines instead of JSON; by default when stdout is a terminal. */
  pretty?: boolean;
  /** Where lines go; stdout by default. */
  destination?: NodeJS.WritableStream;
}

/**
 * The process logger: one JSON object per line for log collectors (stdout not a terminal:
 * a container, a pipe, a file), readable coloured lines (pino-pretty) when a person watches
 * a terminal.
 */
export function createLogger(options: LoggerOptions): Logger {
  const { pretty = process.stdout.isTTY === true, destination, ...settings } = options;
  if (!pretty) return destination ? pino(settings, destination) : pino(settings);
  // In-process and synchronous: lines stay in order with the banner and other console output.
  return pino(
    settings,
    pinoPretty({
      colorize: !destination,
      sync: true,
      ignore: 'pid,hostname',
      translateTime: 'SYS:HH:MM:ss.l',
      ...(destination ? { destination } : {}),
    }),
  );
}
