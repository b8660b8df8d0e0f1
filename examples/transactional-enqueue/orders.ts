/**
 * An application that embeds the task manager on MySQL and creates a task in the same
 * transaction as its own row: an order and its "send the receipt" task commit together, or
 * neither exists. See README.md.
 */
import { Kysely, MysqlDialect } from 'kysely';
import { createPool } from 'mysql2';
import { pino } from 'pino';
import { createTaskManager, type TaskManager } from '../../core/index.ts';
import { localExecutor } from '../../plugins/executor-local/index.ts';
import { loadBalancers } from '../../plugins/load-balancers/index.ts';
import { memoryQueue } from '../../plugins/queue-memory/index.ts';
import { mysqlStorage, transactionalEnqueue, type TransactionalEnqueue } from '../../plugins/storage-mysql/index.ts';

/** The application's own table, in the task manager's database. */
export interface ShopDatabase {
  orders: { id: number; item: string; total_cents: number };
}

export const ORDERS_DDL =
  'CREATE TABLE IF NOT EXISTS orders (id INT PRIMARY KEY, item VARCHAR(64) NOT NULL, total_cents INT NOT NULL) ENGINE=InnoDB';

export interface Shop {
  app: TaskManager;
  db: Kysely<ShopDatabase>;
  outbox: TransactionalEnqueue;
  /** Receipts "sent" by the send_receipt handler, in order. */
  receipts: number[];
  close(): Promise<void>;
}

/** Starts the task manager (MySQL storage, embedded queue) and the application's own pool. */
export async function openShop(url: string): Promise<Shop> {
  const receipts: number[] = [];
  const app = await createTaskManager(
    {
      app: { logLevel: 'warn' },
      scheduler: { scanInterval: '50ms' },
      taskTypes: [{ taskType: 'send_receipt', executorType: 'local', defaultMaxRetry: 3 }],
      plugins: [
        mysqlStorage({ url }),
        memoryQueue(),
        loadBalancers(),
        localExecutor({
          send_receipt: (payload) => {
            receipts.push(Number(payload.orderId));
            return { sent: true };
          },
        }),
      ],
    },
    { logger: pino({ level: 'warn' }) },
  );
  await app.start();
  const db = new Kysely<ShopDatabase>({ dialect: new MysqlDialect({ pool: createPool({ uri: url }) }) });
  return {
    app,
    db,
    outbox: transactionalEnqueue(app.services.tasks),
    receipts,
    async close() {
      await db.destroy();
      await app.stop();
    },
  };
}

/**
 * The use case: the order row and its receipt task in one transaction. A payment refusal
 * (an error thrown inside) rolls back both; on commit the task is queued at once.
 */
export function placeOrder(
  shop: Shop,
  order: { id: number; item: string; totalCents: number },
  charge: () => void,
): Promise<string> {
  return shop.outbox.run(shop.db, async (trx, enqueue) => {
    await trx.insertInto('orders').values({ id: order.id, item: order.item, total_cents: order.totalCents }).execute();
    const [taskId] = await enqueue([{ taskType: 'send_receipt', payload: { orderId: order.id } }]);
    charge(); // throws when the payment is refused: nothing above is kept
    return taskId!;
  });
}
