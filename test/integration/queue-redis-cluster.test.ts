/**
 * queue-redis on a real Redis Cluster (six local nodes: three primaries, three replicas) runs
 * the same queue and coordination contracts as on a single Redis. Every script's keys share
 * the hash tag of the prefix, so each script runs on the one node that owns that slot.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeCoordinationContract } from '../contract/coordination-contract.ts';
import { describeQueueContract } from '../contract/queue-contract.ts';
import { hasRedisServer } from '../helpers/redis-server.ts';
import { ClusterTopology } from '../helpers/redis-topology.ts';
import { startRedisQueue } from './support/redis-queue-harness.ts';

describe.skipIf(!hasRedisServer)('queue-redis on a six-node Redis Cluster', () => {
  let cluster: ClusterTopology;
  let subjects = 0;

  beforeAll(async () => {
    cluster = await ClusterTopology.start();
  }, 60_000);

  afterAll(async () => {
    await cluster?.stop();
  });

  /** A fresh hash tag per test: its keys never meet another test's. The cluster is thrown away after. */
  const make = async () => {
    const subject = await startRedisQueue({ cluster: { nodes: cluster.nodes }, prefix: `{tm-cluster-${++subjects}}:` });
    return { ...subject, cleanup: () => subject.stop() };
  };

  describeQueueContract('redis cluster', make);
  describeCoordinationContract('redis cluster', make);

  it('refuses a cluster prefix without a hash tag', async () => {
    await expect(startRedisQueue({ cluster: { nodes: cluster.nodes }, prefix: 'tm:' })).rejects.toThrow(/hash tag/);
  });
});
