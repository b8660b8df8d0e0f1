import { CompiledQuery } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runMigrations } from '../../plugins/storage-mysql/index.ts';
import { createTestDatabase, type TestDatabase } from '../../test/helpers/mysql-test-database.ts';
import { mysqlAvailability } from '../../test/helpers/services.ts';
import { waitFor } from '../../test/helpers/wait.ts';
import { ORDERS_DDL, openShop, placeOrder, type Shop } from './orders.ts';

const mysql = await mysqlAvailability();

describe.skipIf(!mysql.available)('examples/transactional-enqueue', () => {
  let database: TestDatabase;
  let shop: Shop;

  beforeAll(async () => {
    database = await createTestDatabase('example_tx');
    await runMigrations(database.url);
    shop = await openShop(database.url);
    await shop.db.executeQuery(CompiledQuery.raw(ORDERS_DDL));
  });
  afterAll(async () => {
    await shop?.close();
    await database?.drop();
  });

  it('a committed order gets its receipt; a refused one leaves neither row nor task', async () => {
    const sent = await placeOrder(shop, { id: 1, item: 'book', totalCents: 1200 }, () => {});
    await waitFor(async () => (await shop.app.services.tasks.get(sent)).status === 'SUCCESS', {
      message: 'the receipt task of order 1 to succeed',
    });
    expect(shop.receipts).toEqual([1]);

    await expect(
      placeOrder(shop, { id: 2, item: 'pen', totalCents: 300 }, () => {
        throw new Error('payment refused');
      }),
    ).rejects.toThrow('payment refused');
    expect(await shop.db.selectFrom('orders').select('id').execute()).toEqual([{ id: 1 }]);
    expect(await shop.app.services.tasks.count({ taskType: 'send_receipt' })).toBe(1);
    expect(shop.receipts).toEqual([1]);
  });
});
