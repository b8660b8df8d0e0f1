import type { Kysely, LogEvent } from 'kysely';
import type { Pool } from 'mysql2';
import type { MetricsPort, StoragePoolUsage } from '../../core/index.ts';
import { isConnectionError } from './errors.ts';

/** The pool behind each database handle, for the pool-usage samples. */
const pools = new WeakMap<Kysely<never>, Pool>();

export function rememberPool(db: Kysely<never>, pool: Pool): void {
  pools.set(db, pool);
}

/** mysql2 keeps its counts in arrays it does not type; read them defensively. */
interface PoolInternals {
  _allConnections?: { length: number };
  _freeConnections?: { length: number };
  _connectionQueue?: { length: number };
  config?: { connectionLimit?: number };
}

export function poolUsage(db: Kysely<never>): StoragePoolUsage | undefined {
  const pool = pools.get(db) as (Pool & PoolInternals) | undefined;
  if (!pool) return undefined;
  const open = pool._allConnections?.length ?? 0;
  const idle = pool._freeConnections?.length ?? 0;
  return {
    inUse: Math.max(0, open - idle),
    idle,
    waiting: pool._connectionQueue?.length ?? 0,
    max: pool.config?.connectionLimit ?? 0,
  };
}

const OPERATIONS: Record<string, string> = {
  SelectQueryNode: 'select',
  InsertQueryNode: 'insert',
  UpdateQueryNode: 'update',
  DeleteQueryNode: 'delete',
};
const RAW_OPERATION = /^\s*(select|insert|update|delete)\b/i;

/** A kysely `log` function that times every query into the metrics port. */
export function queryMetrics(metrics: MetricsPort): (event: LogEvent) => void {
  return (event) => {
    const node = event.query.query;
    let operation = OPERATIONS[node.kind];
    if (!operation) operation = RAW_OPERATION.exec(event.query.sql)?.[1]?.toLowerCase() ?? 'other';
    const ok = event.level === 'query';
    metrics.recordStorageQuery('mysql', operation, event.queryDurationMillis / 1000, ok);
    // A constraint violation is the caller's business; a lost connection or a timeout is the database's.
    if (event.level === 'error')
      metrics.recordDependencyError('mysql', isConnectionError(event.error) ? 'connection' : 'query');
  };
}
