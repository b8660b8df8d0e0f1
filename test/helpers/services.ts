import net from 'node:net';

/**
 * Integration suites talk to the real Redis and MariaDB. On a laptop without them the
 * suite is skipped with the reason; under CI (CI=true) a missing service is a failure.
 */
export const REDIS_URL = process.env.TM_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
export const MYSQL_URL = process.env.TM_TEST_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306';
export const POSTGRES_URL = process.env.TM_TEST_POSTGRES_URL ?? 'postgres://root@127.0.0.1:5432/test';
export const NATS_URL = process.env.TM_TEST_NATS_URL ?? 'nats://127.0.0.1:4222';
export const RABBITMQ_URL = process.env.TM_TEST_RABBITMQ_URL ?? 'amqp://guest:guest@127.0.0.1:5672';

function reachable(url: string, defaultPort: number, timeoutMs = 1000): Promise<boolean> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = net.connect({ host: hostname, port: Number(port || defaultPort) });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

async function availability(name: string, url: string, port: number): Promise<{ available: boolean; reason: string }> {
  const ok = await reachable(url, port);
  if (!ok && process.env.CI === 'true') {
    throw new Error(`${name} is not reachable at ${url}, and CI=true requires it`);
  }
  return { available: ok, reason: ok ? '' : `${name} not reachable at ${url}; suite skipped` };
}

/** Top-level await in a test file: `const redis = await redisAvailability(); describe.skipIf(!redis.available)(...)`. */
export const redisAvailability = () => availability('Redis', REDIS_URL, 6379);
export const mysqlAvailability = () => availability('MariaDB/MySQL', MYSQL_URL, 3306);
export const postgresAvailability = () => availability('PostgreSQL', POSTGRES_URL, 5432);
export const natsAvailability = () => availability('NATS', NATS_URL, 4222);
export const rabbitmqAvailability = () => availability('RabbitMQ', RABBITMQ_URL, 5672);

/** A unique, readable suffix for per-file Redis prefixes and database names. */
export function uniqueSuffix(label: string): string {
  return `${label.replace(/[^a-z0-9]/gi, '_').toLowerCase()}_${process.pid}_${Date.now().toString(36)}`;
}
