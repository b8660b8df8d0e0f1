import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { withIncludes } from '../../../plugins/queue-redis/scripts.ts';
import { REPO_ROOT } from '../../e2e/support/node-process.ts';

/** The queue-redis scripts only a leader runs: it moves ids between the shared lists. */
const LEADER_SCRIPTS = ['claim', 'unclaim', 'discard-claimed', 'dispatch', 'promote-due', 'drain-worker'];

/**
 * Per script, what identifies it on the wire: the SHA of the source as the plugin loads it
 * (includes expanded; EVALSHA names it) and its opening words (EVAL after NOSCRIPT).
 */
const leaderScripts = await Promise.all(
  LEADER_SCRIPTS.map(async (name) => {
    const source = await withIncludes(
      readFileSync(path.join(REPO_ROOT, 'plugins/queue-redis/scripts', `${name}.lua`), 'utf8'),
    );
    return { name, sha: createHash('sha1').update(source).digest('hex'), opening: source.slice(0, 48) };
  }),
);

/** Log messages only the scheduler writes (docs/architecture.md, "The life of a task"). */
const LEADER_MYSQL_MARKERS = ['Task assigned to worker', 'Task recovered from failed worker'];

export interface SeenWrite {
  at: number;
  what: string;
}

/**
 * Reads what one node sends to MySQL and Redis (through its proxies) and notes the writes
 * only a leader makes: the leader's Lua scripts by their SHA (EVALSHA names them; a NOSCRIPT
 * retry sends the source, whose header names the script), and the scheduler's log rows by
 * their message. A paused leader that wakes up after losing the lock must send none of them.
 * `onMysql` lets a scenario act the moment a statement goes out (kill the API mid-batch).
 */
export class WriteWatch {
  readonly leaderWrites: SeenWrite[] = [];
  private redisTail = '';
  private mysqlTail = '';
  private mysqlListeners: ((text: string) => void)[] = [];

  sawRedis(chunk: Buffer): void {
    const text = this.redisTail + chunk.toString('latin1');
    for (const script of leaderScripts) {
      if (text.includes(script.sha) || text.includes(script.opening))
        this.leaderWrites.push({ at: Date.now(), what: `redis ${script.name}` });
    }
    // Shorter than a SHA: a SHA split across chunks is found, one already counted is not counted again.
    this.redisTail = text.slice(-39);
  }

  sawMysql(chunk: Buffer): void {
    const text = this.mysqlTail + chunk.toString('latin1');
    for (const marker of LEADER_MYSQL_MARKERS) {
      if (text.includes(marker)) this.leaderWrites.push({ at: Date.now(), what: `mysql "${marker}"` });
    }
    this.mysqlTail = text.slice(-(Math.min(...LEADER_MYSQL_MARKERS.map((m) => m.length)) - 1));
    for (const listener of this.mysqlListeners) listener(chunk.toString('latin1'));
  }

  /** Leader writes seen at or after `since` (ms since the epoch). */
  leaderWritesSince(since: number): SeenWrite[] {
    return this.leaderWrites.filter((w) => w.at >= since);
  }

  /** Calls `listener` with the text of every chunk sent to MySQL until the returned function is called. */
  onMysql(listener: (text: string) => void): () => void {
    this.mysqlListeners.push(listener);
    return () => {
      this.mysqlListeners = this.mysqlListeners.filter((l) => l !== listener);
    };
  }
}
