import { SqlScheduleStore } from '../../lib/sql-storage/schedule-store.ts';
import { POSTGRES_DIALECT } from './dialect.ts';

/** Schedules and task types' switches on PostgreSQL (lib/sql-storage/schedule-queries.ts, migration 003). */
export class PostgresScheduleStore extends SqlScheduleStore {
  constructor() {
    super(POSTGRES_DIALECT);
  }
}
