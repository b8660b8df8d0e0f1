import type { Kysely, LogEvent } from 'kysely';
import type pg from 'pg';
import type { MetricsPort, StoragePoolUsage } from '../../core/index.ts';
import { isConnectionError } from './errors.ts';

/** The pool behind each database handle, for the pool-usage samples. */
const pools = new WeakMap<Kysely<never>, pg.Pool>();

export function rememberPool(db: Kysely<never>, pool: pg.Pool): void {
  pools.set(db, pool);
}

export function poolUsage(db: Kysely<never>): StoragePoolUsage | undefined {
  const pool = pools.get(db);
  if (!pool) return undefined;
  return {
    inUse: Math.max(0, pool.totalCount - pool.idleCount),
    idle: pool.idleCount,
    waiting: pool.waitingCount,
    max: pool.options.max ?? 0,
  };
}

const OPERATIONS: Record<string, string> = {
  SelectQueryNode: 'select',
  InsertQueryNode: 'insert',
  UpdateQueryNode: 'update',
  DeleteQueryNode: 'delete',
};
/** A raw statement's first verb; a `WITH …` statement is named by what it does last. */
const RAW_OPERATION = /^\s*(select|insert|update|delete)\b/i;

/** A kysely `log` function that times every query into the metrics port. */
export function queryMetrics(metrics: MetricsPort): (event: LogEvent) => void {
  return (event) => {
    const node = event.query.query;
    let operation = OPERATIONS[node.kind];
    if (!operation) operation = RAW_OPERATION.exec(event.query.sql)?.[1]?.toLowerCase() ?? 'other';
    const ok = event.level === 'query';
    metrics.recordStorageQuery('postgres', operation, event.queryDurationMillis / 1000, ok);
    // A constraint violation is the caller's business; a lost connection or a timeout is the database's.
    if (event.level === 'error')
      metrics.recordDependencyError('postgres', isConnectionError(event.error) ? 'connection' : 'query');
  };
}
