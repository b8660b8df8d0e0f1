import type { SqlDialect } from '../../lib/sql-storage/sql-dialect.ts';
import { toStorageError } from './errors.ts';
import { decodeJsonText, encodeJsonText } from './nul-escape.ts';

/** PostgreSQL for the shared query modules of lib/sql-storage. */
export const POSTGRES_DIALECT: SqlDialect = {
  name: 'postgres',
  toStorageError,
  insertIgnoringDuplicates: (query) => query.onConflict((conflict) => conflict.doNothing()),
  jsonIn: encodeJsonText,
  jsonOut: decodeJsonText,
};
