import type { InsertQueryBuilder } from 'kysely';

/**
 * What a shared query module needs to know about the database it runs on; each SQL storage
 * plugin makes one (storage-mysql/dialect.ts, storage-postgres/dialect.ts).
 */
export interface SqlDialect {
  /** `mysql` or `postgres`: names the plugin in messages. */
  readonly name: string;
  /** The error a storage method throws for a driver error (connection failures become 50301). */
  toStorageError(error: unknown): unknown;
  /** An INSERT that writes nothing for a row whose key exists: INSERT IGNORE, ON CONFLICT DO NOTHING. */
  insertIgnoringDuplicates<DB, TB extends keyof DB, O>(
    query: InsertQueryBuilder<DB, TB, O>,
  ): InsertQueryBuilder<DB, TB, O>;
  /** JSON text on its way into a column, and back out (PostgreSQL's NUL escape; as is on MySQL). */
  jsonIn(text: string): string;
  jsonOut(text: string): string;
}
