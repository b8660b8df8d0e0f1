import type { SqlDialect } from '../../lib/sql-storage/sql-dialect.ts';
import { toStorageError } from './errors.ts';

/** MySQL / MariaDB for the shared query modules of lib/sql-storage. */
export const MYSQL_DIALECT: SqlDialect = {
  name: 'mysql',
  toStorageError,
  insertIgnoringDuplicates: (query) => query.ignore(),
  jsonIn: (text) => text,
  jsonOut: (text) => text,
};
