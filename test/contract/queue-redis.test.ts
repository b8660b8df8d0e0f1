import { describe } from 'vitest';
import { describeCoordinationContract } from './coordination-contract.ts';
import { describeQueueContract } from './queue-contract.ts';
import { redisAvailability, uniqueSuffix } from '../helpers/services.ts';
import { startRedisQueue } from '../integration/support/redis-queue-harness.ts';

const redis = await redisAvailability();
const filePrefix = `tm:test:${uniqueSuffix('queue_redis_contract')}:`;
let subjects = 0;

/** A fresh prefix per test: a test never sees another's keys or channels. */
const make = () => startRedisQueue({ prefix: `${filePrefix}${++subjects}:` });

describe.skipIf(!redis.available)('queue-redis against the real Redis', () => {
  describeQueueContract('redis', make);
  describeCoordinationContract('redis', make);
});
