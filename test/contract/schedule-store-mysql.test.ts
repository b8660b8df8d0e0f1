import { afterAll, beforeAll, describe } from 'vitest';
import {
  openMysqlScheduleStore,
  openMysqlStorage,
  runMigrations,
  type MysqlScheduleStore,
  type MysqlStorage,
} from '../../plugins/storage-mysql/index.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/mysql-test-database.ts';
import { mysqlAvailability } from '../helpers/services.ts';
import { describeScheduleStoreContract } from './schedule-store-contract.ts';

const mysql = await mysqlAvailability();

describe.skipIf(!mysql.available)('schedule store on MariaDB/MySQL', () => {
  let database: TestDatabase;
  let storage: { storage: MysqlStorage; close(): Promise<void> };
  let schedules: { store: MysqlScheduleStore; close(): Promise<void> };

  beforeAll(async () => {
    database = await createTestDatabase('schedule_contract');
    await runMigrations(database.url);
    storage = await openMysqlStorage(database.url, { poolSize: 4 });
    schedules = await openMysqlScheduleStore(database.url, { poolSize: 4 });
  });

  afterAll(async () => {
    await schedules?.close();
    await storage?.close();
    await database?.drop();
  });

  describeScheduleStoreContract('mysql', async () => {
    await database.admin.query(
      `DELETE FROM \`${database.name}\`.task_schedule; DELETE FROM \`${database.name}\`.task_config;`,
    );
    return { schedules: schedules.store, controls: schedules.store, storage: storage.storage, cleanup: async () => {} };
  });
});
