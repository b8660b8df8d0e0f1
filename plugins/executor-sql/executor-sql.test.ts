import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTaskManager, type JsonObject, type TaskManager, type TaskTypeInput } from '../../core/index.ts';
import { loadBalancers } from '../load-balancers/index.ts';
import { memoryQueue } from '../queue-memory/index.ts';
import { memoryStorage } from '../storage-memory/index.ts';
import { waitForStatus } from '../../test/helpers/memory-app.ts';
import { createTestDatabase } from '../../test/helpers/mysql-test-database.ts';
import { createTestSchema } from '../../test/helpers/postgres-test-schema.ts';
import { mysqlAvailability, postgresAvailability } from '../../test/helpers/services.ts';
import { waitFor } from '../../test/helpers/wait.ts';
import { sqlExecutor } from './index.ts';

const mysql = await mysqlAvailability();
const postgres = await postgresAvailability();

/** What differs between the two servers; everything else in this suite is the same SQL. */
interface Server {
  name: string;
  available: boolean;
  /** A fresh database / schema with the two tables; returns its URL, a query function and cleanup. */
  prepare(): Promise<{ url: string; query(text: string): Promise<Record<string, unknown>[]>; drop(): Promise<void> }>;
  sleep: string;
  /** Statements of this suite still running on the server. */
  runningSleeps: string;
}

const SERVERS: Server[] = [
  {
    name: 'MariaDB',
    available: mysql.available,
    async prepare() {
      const db = await createTestDatabase('executor_sql');
      await db.admin.query(`USE \`${db.name}\`;
        CREATE TABLE accounts (id INT PRIMARY KEY, email VARCHAR(200) NOT NULL UNIQUE, balance INT NOT NULL DEFAULT 0);
        CREATE TABLE events (id INT AUTO_INCREMENT PRIMARY KEY, kind VARCHAR(50) NOT NULL, data TEXT NULL, source VARCHAR(20) NOT NULL DEFAULT 'api');`);
      return {
        url: db.url,
        query: async (text) => (await db.admin.query(text))[0] as Record<string, unknown>[],
        drop: () => db.drop(),
      };
    },
    sleep: 'SELECT SLEEP(:seconds) AS slept',
    runningSleeps: "SELECT ID FROM information_schema.PROCESSLIST WHERE INFO LIKE 'SELECT SLEEP(%'",
  },
  {
    name: 'PostgreSQL',
    available: postgres.available,
    async prepare() {
      const schema = await createTestSchema('executor_sql');
      await schema.admin.query(`
        CREATE TABLE accounts (id INT PRIMARY KEY, email VARCHAR(200) NOT NULL UNIQUE, balance INT NOT NULL DEFAULT 0);
        CREATE TABLE events (id SERIAL PRIMARY KEY, kind VARCHAR(50) NOT NULL, data TEXT NULL, source VARCHAR(20) NOT NULL DEFAULT 'api');`);
      return {
        url: schema.url,
        query: async (text) => (await schema.admin.query(text)).rows as Record<string, unknown>[],
        drop: () => schema.drop(),
      };
    },
    sleep: 'SELECT pg_sleep(:seconds) AS slept',
    runningSleeps: "SELECT pid FROM pg_stat_activity WHERE state = 'active' AND query LIKE 'SELECT pg_sleep(%'",
  },
];

for (const server of SERVERS) {
  describe.skipIf(!server.available)(`executor-sql on ${server.name}`, () => {
    let app: TaskManager;
    let database: Awaited<ReturnType<Server['prepare']>>;

    beforeAll(async () => {
      database = await server.prepare();
      const sqlType = (
        taskType: string,
        executorConfig: JsonObject,
        extra: Partial<TaskTypeInput> = {},
      ): TaskTypeInput => ({
        taskType,
        executorType: 'sql',
        executorConfig,
        retryDelay: 0,
        maxConcurrent: 0,
        ...extra,
      });
      const statements = {
        open_account: 'INSERT INTO accounts (id, email, balance) VALUES (:id, :email, :balance)',
        credit: 'UPDATE accounts SET balance = balance + :amount WHERE email = :email',
        rich: { sql: 'SELECT id, email, balance FROM accounts WHERE balance >= :min ORDER BY id', maxRows: 2 },
        nap: server.sleep,
      };
      app = await createTaskManager(
        {
          app: { logLevel: 'silent' },
          scheduler: { scanInterval: '20ms' },
          worker: { takeWait: '200ms' },
          taskTypes: [
            sqlType('execute_sql', { statements }),
            sqlType('raw_sql', { statements, allowRawSql: true }),
            sqlType('batch_insert', { table: 'events', columns: ['kind', 'data'], maxRows: 5 }),
            sqlType('slow_sql', { statements }, { defaultTimeout: 1, defaultMaxRetry: 0 }),
          ],
          plugins: [memoryStorage(), memoryQueue(), loadBalancers(), sqlExecutor({ url: database.url, poolSize: 3 })],
        },
        { env: {}, logger: pino({ level: 'silent' }) },
      );
      await app.start();
    });

    afterAll(async () => {
      await app?.stop();
      await database?.drop();
    });

    const run = async (taskType: string, payload: JsonObject) => {
      const { task } = await app.services.tasks.create({ taskType, payload });
      return waitForStatus(app, task.taskId, ['SUCCESS', 'FAILED', 'TIMEOUT', 'CANCELLED'], 15_000);
    };

    it('execute_sql runs named statements with bound parameters: {rows_affected}, and capped rows for a SELECT', async () => {
      for (const [id, email, balance] of [
        [1, 'ann@example.com', 10],
        [2, 'bob@example.com', 50],
        [3, 'cy@example.com', 70],
      ] as const) {
        expect(await run('execute_sql', { statement: 'open_account', params: { id, email, balance } })).toMatchObject({
          status: 'SUCCESS',
          result: { rows_affected: 1 },
        });
      }
      expect(
        (await run('execute_sql', { statement: 'credit', params: { email: 'ann@example.com', amount: 45 } })).result,
      ).toEqual({ rows_affected: 1 });
      const rich = await run('execute_sql', { statement: 'rich', params: { min: 50 } });
      expect(rich.result).toEqual({
        rows_affected: 0,
        rows: [
          { id: 1, email: 'ann@example.com', balance: 55 },
          { id: 2, email: 'bob@example.com', balance: 50 },
        ],
        truncated: true,
      });
    });

    it('a parameter is a value, never SQL', async () => {
      const hostile = "x', 0); DROP TABLE accounts; --";
      expect(
        (await run('execute_sql', { statement: 'open_account', params: { id: 9, email: hostile, balance: 0 } })).status,
      ).toBe('SUCCESS');
      expect(await database.query('SELECT email FROM accounts WHERE id = 9')).toEqual([{ email: hostile }]);
    });

    it('SQL text from a task is refused unless the task type allows raw SQL', async () => {
      const refused = await run('execute_sql', { sql: 'DELETE FROM accounts' });
      expect(refused).toMatchObject({
        status: 'FAILED',
        retryCount: 0,
        errorMsg: expect.stringContaining('allowRawSql'),
      });
      expect((await database.query('SELECT COUNT(*) AS n FROM accounts'))[0]).toMatchObject({ n: expect.anything() });
      expect(Number((await database.query('SELECT COUNT(*) AS n FROM accounts'))[0]?.n)).toBeGreaterThan(0);

      const raw = await run('raw_sql', {
        sql: 'SELECT COUNT(*) AS n FROM accounts WHERE balance > :min',
        params: { min: 1_000 },
      });
      expect(raw).toMatchObject({ status: 'SUCCESS', result: { rows_affected: 0, rows: [{ n: expect.anything() }] } });
    });

    it('fails at once on what a retry cannot fix: an unknown statement, a missing parameter, a duplicate key', async () => {
      expect(await run('execute_sql', { statement: 'drop_everything' })).toMatchObject({
        status: 'FAILED',
        retryCount: 0,
        errorMsg: expect.stringContaining('unknown statement'),
      });
      expect(await run('execute_sql', { statement: 'credit', params: { email: 'x' } })).toMatchObject({
        status: 'FAILED',
        retryCount: 0,
        errorMsg: expect.stringContaining(':amount is missing'),
      });
      const duplicate = await run('execute_sql', {
        statement: 'open_account',
        params: { id: 1, email: 'again@example.com', balance: 0 },
      });
      expect(duplicate).toMatchObject({
        status: 'FAILED',
        retryCount: 0,
        errorMsg: expect.stringMatching(/SQL error 23/),
      });
    });

    it('batch_insert puts the rows in the configured table and columns, defaults for the rest', async () => {
      const rows: JsonObject[] = [
        { kind: 'signup', data: 'ann' },
        { kind: 'login' },
        { kind: 'order', data: { id: 7 } },
      ];
      expect(await run('batch_insert', { rows })).toMatchObject({ status: 'SUCCESS', result: { rows_affected: 3 } });
      expect(await database.query('SELECT kind, data, source FROM events ORDER BY id')).toEqual([
        { kind: 'signup', data: 'ann', source: 'api' },
        { kind: 'login', data: null, source: 'api' },
        { kind: 'order', data: '{"id":7}', source: 'api' },
      ]);
    });

    it('batch_insert refuses a column outside the config, and more rows than allowed, writing nothing', async () => {
      expect(await run('batch_insert', { rows: [{ kind: 'a' }, { kind: 'b', source: 'forged' }] })).toMatchObject({
        status: 'FAILED',
        retryCount: 0,
        errorMsg: expect.stringContaining('rows[1].source is not one of the columns'),
      });
      expect(await run('batch_insert', { rows: Array.from({ length: 6 }, () => ({ kind: 'x' })) })).toMatchObject({
        status: 'FAILED',
        retryCount: 0,
      });
      expect(await database.query("SELECT kind FROM events WHERE kind IN ('a', 'x')")).toEqual([]);
    });

    it('a timeout stops the statement on the server, not only in the worker', async () => {
      const timedOut = await run('slow_sql', { statement: 'nap', params: { seconds: 30 } });
      expect(timedOut.status).toBe('TIMEOUT');
      await waitFor(async () => (await database.query(server.runningSleeps)).length === 0, {
        timeoutMs: 5_000,
        message: 'the sleeping statement to be cancelled',
      });
    });
  });
}
