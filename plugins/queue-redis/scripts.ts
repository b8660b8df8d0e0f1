import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { Cluster } from 'ioredis';
import type { RedisClient } from './connection.ts';
import { guard } from './connection.ts';

/** One Lua file per state change, each with its KEYS/ARGV contract in its header. */
export const SCRIPT_NAMES = [
  'enqueue',
  'schedule',
  'promote-due',
  'claim',
  'unclaim',
  'discard-claimed',
  'dispatch',
  'ack-take',
  'drain-worker',
  'find-unqueued',
  'find-undispatched',
  'leader-acquire',
  'leader-renew',
  'leader-release',
  'worker-register',
  'worker-heartbeat',
  'worker-remove',
  'rate-limit-take',
] as const;
export type ScriptName = (typeof SCRIPT_NAMES)[number];

interface LoadedScript {
  source: string;
  sha: string;
}

type Arg = string | number;

/**
 * `--- @include "name"` lines are replaced by scripts/includes/name.lua (BullMQ's convention):
 * a helper several scripts need is written once, and each script stays one atomic EVAL.
 */
export async function withIncludes(source: string): Promise<string> {
  const includes = [...source.matchAll(/^--- @include "([a-z-]+)"$/gm)];
  let result = source;
  for (const [line, name] of includes) {
    const included = await readFile(new URL(`./scripts/includes/${name}.lua`, import.meta.url), 'utf8');
    result = result.replace(line, included);
  }
  return result;
}

/**
 * Loads the scripts once at start (SCRIPT LOAD on every master, so a syntax error fails
 * start, not the first task) and runs them by EVALSHA. When Redis answers NOSCRIPT (a
 * restart without persistence of the script cache, a failover, SCRIPT FLUSH) the script
 * is sent again with EVAL, which also puts it back in the server's cache.
 */
export class RedisScripts {
  private readonly scripts = new Map<ScriptName, LoadedScript>();

  constructor(
    private readonly client: RedisClient,
    /** Told when a script call fails (the metrics plugin counts them). */
    private readonly onError: () => void = () => {},
  ) {}

  async load(): Promise<void> {
    const loaded = await Promise.all(
      SCRIPT_NAMES.map(async (name) => {
        const source = await withIncludes(await readFile(new URL(`./scripts/${name}.lua`, import.meta.url), 'utf8'));
        return [name, { source, sha: createHash('sha1').update(source).digest('hex') }] as const;
      }),
    );
    const nodes = this.client instanceof Cluster ? this.client.nodes('master') : [this.client];
    for (const [name, script] of loaded) {
      for (const node of nodes) {
        const sha = await guard(node.script('LOAD', script.source) as Promise<string>);
        if (sha !== script.sha) throw new Error(`script ${name}: Redis returned sha ${sha}, expected ${script.sha}`);
      }
      this.scripts.set(name, script);
    }
  }

  async run<T>(name: ScriptName, keys: readonly string[], args: readonly Arg[]): Promise<T> {
    const script = this.scripts.get(name);
    if (!script) throw new Error(`script ${name} is not loaded; start the queue-redis plugin first`);
    try {
      return (await guard(this.client.evalsha(script.sha, keys.length, ...keys, ...args))) as T;
    } catch (error) {
      if (!(error instanceof Error) || !error.message.includes('NOSCRIPT')) {
        this.onError();
        throw error;
      }
    }
    try {
      return (await guard(this.client.eval(script.source, keys.length, ...keys, ...args))) as T;
    } catch (error) {
      this.onError();
      throw error;
    }
  }
}
