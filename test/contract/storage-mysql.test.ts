import { afterAll, beforeAll } from 'vitest';
import { describe } from 'vitest';
import { openMysqlStorage, runMigrations, type MysqlStorage } from '../../plugins/storage-mysql/index.ts';
import { describeStorageContract } from './storage-contract.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/mysql-test-database.ts';
import { mysqlAvailability } from '../helpers/services.ts';

const mysql = await mysqlAvailability();

describe.skipIf(!mysql.available)('storage-mysql against MariaDB/MySQL', () => {
  let database: TestDatabase;
  let opened: { storage: MysqlStorage; close(): Promise<void> };

  // One database and one pool for the file; every test starts from emptied tables.
  beforeAll(async () => {
    database = await createTestDatabase('storage_contract');
    await runMigrations(database.url);
    opened = await openMysqlStorage(database.url, { poolSize: 8 });
  });

  afterAll(async () => {
    await opened?.close();
    await database?.drop();
  });

  describeStorageContract('mysql', async () => {
    await database.admin.query(
      `DELETE FROM \`${database.name}\`.task; DELETE FROM \`${database.name}\`.task_logs; ` +
        `DELETE FROM \`${database.name}\`.task_config; DELETE FROM \`${database.name}\`.worker_registry; ` +
        `DELETE FROM \`${database.name}\`.task_dependency;`,
    );
    return { storage: opened.storage, readWorkers: () => opened.storage.listWorkers(), cleanup: async () => {} };
  });
});
