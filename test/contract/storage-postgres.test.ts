import { afterAll, beforeAll, describe } from 'vitest';
import { openPostgresStorage, runMigrations, type PostgresStorage } from '../../plugins/storage-postgres/index.ts';
import { createTestSchema, type TestSchema } from '../helpers/postgres-test-schema.ts';
import { POSTGRES_URL, postgresAvailability } from '../helpers/services.ts';
import { describeStorageContract } from './storage-contract.ts';

const postgres = await postgresAvailability();

describe.skipIf(!postgres.available)('storage-postgres against PostgreSQL', () => {
  let schema: TestSchema;
  let opened: { storage: PostgresStorage; close(): Promise<void> };

  // One schema and one pool for the file; every test starts from emptied tables.
  beforeAll(async () => {
    schema = await createTestSchema('storage_contract');
    await runMigrations(POSTGRES_URL, { schema: schema.name });
    opened = await openPostgresStorage(POSTGRES_URL, { schema: schema.name, poolSize: 8 });
  });

  afterAll(async () => {
    await opened?.close();
    await schema?.drop();
  });

  describeStorageContract('postgres', async () => {
    await schema.admin.query(
      `TRUNCATE "${schema.name}".task, "${schema.name}".task_logs, "${schema.name}".task_config, ` +
        `"${schema.name}".worker_registry, "${schema.name}".task_dependency`,
    );
    return { storage: opened.storage, readWorkers: () => opened.storage.listWorkers(), cleanup: async () => {} };
  });
});
