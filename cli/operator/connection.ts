/**
 * The options every operator command shares (--url, --api-key, --json) and the client they
 * make. The client is the TypeScript client of this repository, imported from its sources:
 * its package entry is the built dist/, which a clone does not have until it builds it.
 */
import type { Command } from 'cac';
import { TaskManagerClient } from '../../clients/typescript/src/index.ts';
import { UsageError } from './exit-codes.ts';
import { text } from './flags.ts';
import { Output } from './output.ts';

export const DEFAULT_URL = 'http://localhost:8080';

/** Options that take a value, for reading the command words around them. */
export const CONNECTION_VALUE_FLAGS = ['--url', '--api-key'] as const;

export interface ConnectionFlags {
  url?: string | number;
  apiKey?: string | number;
  json?: boolean;
}

export interface Session {
  client: TaskManagerClient;
  /** The server's base URL, for messages. */
  url: string;
  out: Output;
}

export function withConnectionOptions(command: Command): Command {
  return command
    .option('--url <url>', `server to talk to (default: TM_API_URL, else ${DEFAULT_URL})`)
    .option('--api-key <key>', 'API key, when the server has keys (default: TM_API_KEY)')
    .option('--json', 'print one JSON document on stdout, for scripts');
}

/** --url, else TM_API_URL, else the default; checked to be an http(s) URL. */
export function serverUrl(flags: ConnectionFlags, env: NodeJS.ProcessEnv = process.env): string {
  const written = text(flags.url, '--url') ?? (env.TM_API_URL || DEFAULT_URL);
  let url: URL;
  try {
    url = new URL(written);
  } catch {
    throw new UsageError(`--url must be a URL such as ${DEFAULT_URL}, not "${written}"`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new UsageError(`--url must be an http:// or https:// URL, not "${written}"`);
  return written.replace(/\/+$/, '');
}

export function connect(flags: ConnectionFlags, env: NodeJS.ProcessEnv = process.env): Session {
  const url = serverUrl(flags, env);
  const apiKey = text(flags.apiKey, '--api-key') ?? (env.TM_API_KEY || undefined);
  return { client: new TaskManagerClient({ baseUrl: url, apiKey }), url, out: new Output(Boolean(flags.json)) };
}
