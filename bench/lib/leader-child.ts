/**
 * A scheduler-only app in its own process, for the crash failover scenario:
 * `node --import tsx bench/lib/leader-child.ts <redis prefix> <leaderLockTtl ms>`.
 * Prints `leader <scheduler id>` once it holds the lock, then runs until killed.
 */
import { exitWithParent } from './child.ts';
import { ourApp } from './our-app.ts';
import { untilCount } from './stats.ts';

const [prefix, ttl] = process.argv.slice(2);
if (!prefix || !ttl) throw new Error('usage: leader-child.ts <redis prefix> <leaderLockTtl ms>');
exitWithParent();

const app = await ourApp({ queue: 'redis', prefix, roles: ['scheduler'], leaderLockTtl: Number(ttl) });
const scheduler = app.scheduler;
if (!scheduler) throw new Error('the app runs no scheduler');
if (!(await untilCount(() => (scheduler.isLeader ? 1 : 0), 1, 15_000))) throw new Error('never became leader');
console.log(`leader ${scheduler.id}`);
