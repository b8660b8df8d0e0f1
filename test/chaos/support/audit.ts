import { createConnection, type Connection, type RowDataPacket } from 'mysql2/promise';

export interface TaskRow {
  task_id: string;
  status: string;
  retry_count: number;
  max_retry: number;
  worker_id: string | null;
}

const TERMINAL = "status IN ('SUCCESS', 'CANCELLED') OR (status IN ('FAILED', 'TIMEOUT') AND retry_count >= max_retry)";

/**
 * What the suite asserts, read straight from MySQL (the source of truth), on a connection of
 * its own that no proxy cuts.
 */
export class Audit {
  private constructor(private readonly db: Connection) {}

  static async open(url: string): Promise<Audit> {
    return new Audit(await createConnection({ uri: url, timezone: 'Z' }));
  }

  async close(): Promise<void> {
    await this.db.end();
  }

  private async rows<T>(sql: string, params: unknown[] = []): Promise<T[]> {
    const [rows] = await this.db.query<RowDataPacket[]>(sql, params);
    return rows as T[];
  }

  /** The highest task_logs id: rows above it were written later. */
  async logMark(): Promise<number> {
    const [row] = await this.rows<{ mark: number | null }>('SELECT MAX(id) AS mark FROM task_logs');
    return Number(row?.mark ?? 0);
  }

  async tasks(ids?: readonly string[]): Promise<TaskRow[]> {
    if (ids && ids.length === 0) return [];
    return ids
      ? this.rows<TaskRow>('SELECT task_id, status, retry_count, max_retry, worker_id FROM task WHERE task_id IN (?)', [
          ids,
        ])
      : this.rows<TaskRow>('SELECT task_id, status, retry_count, max_retry, worker_id FROM task');
  }

  async processingOn(workerId: string): Promise<string[]> {
    const rows = await this.rows<{ task_id: string }>(
      "SELECT task_id FROM task WHERE status = 'PROCESSING' AND worker_id = ?",
      [workerId],
    );
    return rows.map((r) => r.task_id);
  }

  async processingByWorker(): Promise<Map<string, string[]>> {
    const rows = await this.rows<{ task_id: string; worker_id: string }>(
      "SELECT task_id, worker_id FROM task WHERE status = 'PROCESSING'",
    );
    const out = new Map<string, string[]>();
    for (const r of rows) out.set(r.worker_id, [...(out.get(r.worker_id) ?? []), r.task_id]);
    return out;
  }

  async countNotTerminal(): Promise<number> {
    const [row] = await this.rows<{ n: number }>(`SELECT COUNT(*) AS n FROM task WHERE NOT (${TERMINAL})`);
    return Number(row?.n ?? 0);
  }

  async notTerminal(limit = 20): Promise<TaskRow[]> {
    return this.rows<TaskRow>(
      `SELECT task_id, status, retry_count, max_retry, worker_id FROM task WHERE NOT (${TERMINAL}) LIMIT ?`,
      [limit],
    );
  }

  /**
   * Tasks that are neither finished nor moving: due (not delayed into the future), not
   * terminal, and unchanged for `staleMs`. A task that runs or waits its turn changes within
   * seconds; one that sits still is stuck.
   */
  async stuck(staleMs: number): Promise<(TaskRow & { updated_at: Date })[]> {
    return this.rows(
      `SELECT task_id, status, retry_count, max_retry, worker_id, updated_at FROM task
       WHERE NOT (${TERMINAL})
         AND updated_at < UTC_TIMESTAMP(3) - INTERVAL ? MICROSECOND
         AND scheduled_at < UTC_TIMESTAMP(3) - INTERVAL ? MICROSECOND
       LIMIT 20`,
      [staleMs * 1000, staleMs * 1000],
    );
  }

  /** Tasks with more than one PROCESSING → SUCCESS row: run to success twice. */
  async doubleSuccesses(): Promise<{ task_id: string; n: number }[]> {
    return this.rows(
      `SELECT task_id, COUNT(*) AS n FROM task_logs WHERE from_status = 'PROCESSING' AND to_status = 'SUCCESS'
       GROUP BY task_id HAVING COUNT(*) > 1 LIMIT 20`,
    );
  }

  /** SUCCESS tasks whose log lacks the PROCESSING → SUCCESS row, or has one without being SUCCESS. */
  async successLogMismatches(): Promise<{ task_id: string; status: string; n: number }[]> {
    return this.rows(
      `SELECT t.task_id, t.status, COUNT(l.id) AS n FROM task t
       LEFT JOIN task_logs l ON l.task_id = t.task_id AND l.from_status = 'PROCESSING' AND l.to_status = 'SUCCESS'
       GROUP BY t.task_id, t.status
       HAVING (t.status = 'SUCCESS' AND COUNT(l.id) <> 1) OR (t.status <> 'SUCCESS' AND COUNT(l.id) <> 0)
       LIMIT 20`,
    );
  }

  /** Worker ids that finished an attempt (any outcome) in log rows above `mark`. */
  async workersFinishingSince(mark: number): Promise<Set<string>> {
    const rows = await this.rows<{ worker_id: string }>(
      `SELECT DISTINCT worker_id FROM task_logs
       WHERE id > ? AND from_status = 'PROCESSING' AND to_status IN ('SUCCESS', 'FAILED', 'TIMEOUT') AND worker_id IS NOT NULL`,
      [mark],
    );
    return new Set(rows.map((r) => r.worker_id));
  }

  /** Tasks recovered from `workerId` (log rows "Task recovered from failed worker …"). */
  async recoveredFrom(workerId: string): Promise<number> {
    const [row] = await this.rows<{ n: number }>(
      'SELECT COUNT(DISTINCT task_id) AS n FROM task_logs WHERE message = ?',
      [`Task recovered from failed worker ${workerId}`],
    );
    return Number(row?.n ?? 0);
  }

  /** How many of these task ids exist. */
  async countExisting(ids: readonly string[]): Promise<number> {
    if (ids.length === 0) return 0;
    const [row] = await this.rows<{ n: number }>('SELECT COUNT(*) AS n FROM task WHERE task_id IN (?)', [ids]);
    return Number(row?.n ?? 0);
  }
}
