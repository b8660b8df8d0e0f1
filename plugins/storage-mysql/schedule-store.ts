import { SqlScheduleStore } from '../../lib/sql-storage/schedule-store.ts';
import { MYSQL_DIALECT } from './dialect.ts';

/** Schedules and task types' switches on MySQL (lib/sql-storage/schedule-queries.ts, migration 005). */
export class MysqlScheduleStore extends SqlScheduleStore {
  constructor() {
    super(MYSQL_DIALECT);
  }
}
