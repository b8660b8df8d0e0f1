import { afterAll, beforeAll, describe } from 'vitest';
import {
  openPostgresScheduleStore,
  openPostgresStorage,
  runMigrations,
  type PostgresScheduleStore,
  type PostgresStorage,
} from '../../plugins/storage-postgres/index.ts';
import { createTestSchema, type TestSchema } from '../helpers/postgres-test-schema.ts';
import { POSTGRES_URL, postgresAvailability } from '../helpers/services.ts';
import { describeScheduleStoreContract } from './schedule-store-contract.ts';

const postgres = await postgresAvailability();

describe.skipIf(!postgres.available)('schedule store on PostgreSQL', () => {
  let schema: TestSchema;
  let storage: { storage: PostgresStorage; close(): Promise<void> };
  let schedules: { store: PostgresScheduleStore; close(): Promise<void> };

  beforeAll(async () => {
    schema = await createTestSchema('schedule_contract');
    await runMigrations(POSTGRES_URL, { schema: schema.name });
    storage = await openPostgresStorage(POSTGRES_URL, { schema: schema.name, poolSize: 4 });
    schedules = await openPostgresScheduleStore(POSTGRES_URL, { schema: schema.name, poolSize: 4 });
  });

  afterAll(async () => {
    await schedules?.close();
    await storage?.close();
    await schema?.drop();
  });

  describeScheduleStoreContract('postgres', async () => {
    await schema.admin.query(`TRUNCATE "${schema.name}".task_schedule, "${schema.name}".task_config`);
    return { schedules: schedules.store, controls: schedules.store, storage: storage.storage, cleanup: async () => {} };
  });
});
