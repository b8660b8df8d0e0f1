import type { Clock } from '../../core/index.ts';
import type { GroupCommitOptions } from '../../lib/sql-storage/create-group-committer.ts';
import { SqlStorage, type SqlQueries } from '../../lib/sql-storage/sql-storage.ts';
import * as dependencies from './dependency-queries.ts';
import { toStorageError } from './errors.ts';
import { appendLogs, getLogs } from './log-queries.ts';
import { writeProgress } from './progress-queries.ts';
import * as tasks from './task-queries.ts';
import * as taskTypes from './task-type-queries.ts';
import { applyTransitions } from './transition-queries.ts';
import * as workers from './worker-queries.ts';

/** This dialect's statements, one per storage call (the *-queries.ts files). */
const queries: SqlQueries = {
  ...tasks,
  createTasksWithDependencies: dependencies.createTasksWithDependencies,
  getDependencies: dependencies.getDependencies,
  filterDependedOn: dependencies.filterDependedOn,
  settleDependencies: dependencies.settleDependencies,
  findUnsettledDependencies: dependencies.findUnsettledDependencies,
  applyTransitions,
  appendLogs,
  getLogs,
  writeProgress,
  ...taskTypes,
  ...workers,
};

/**
 * The storage port on MySQL 8 / MariaDB through kysely + mysql2: this plugin's statements and error
 * mapping in the storage class all SQL plugins share (lib/sql-storage/sql-storage.ts).
 */
export class MysqlStorage extends SqlStorage {
  constructor(clock: Clock, groupCommit: Partial<GroupCommitOptions> = {}) {
    super({ name: 'storage-mysql', clock, queries, toStorageError, groupCommit });
  }
}
