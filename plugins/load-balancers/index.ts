import { z } from 'zod';
import { definePlugin, type LoadBalancer, type Plugin } from '../../core/index.ts';
import { AffinityLoadBalancer } from './affinity.ts';
import { ConsistentHashLoadBalancer, DEFAULT_VIRTUAL_NODES } from './consistent-hash.ts';
import { LeastTaskLoadBalancer } from './least-task.ts';
import { RoundRobinLoadBalancer } from './round-robin.ts';
import { WeightedRoundRobinLoadBalancer } from './weighted-round-robin.ts';

export { AffinityLoadBalancer } from './affinity.ts';
export { ConsistentHashLoadBalancer } from './consistent-hash.ts';
export { LeastTaskLoadBalancer } from './least-task.ts';
export { RoundRobinLoadBalancer } from './round-robin.ts';
export { WeightedRoundRobinLoadBalancer } from './weighted-round-robin.ts';

export const LOAD_BALANCER_NAMES = [
  'least_task',
  'round_robin',
  'weighted_round_robin',
  'consistent_hash',
  'affinity',
] as const;
export type LoadBalancerName = (typeof LOAD_BALANCER_NAMES)[number];

const optionsSchema = z.object({
  /** Register only these strategies (default: all five). */
  only: z.array(z.enum(LOAD_BALANCER_NAMES)).min(1).optional(),
  /** Points per worker on the consistent-hash ring. */
  virtualNodes: z.coerce.number().int().min(1).max(10_000).default(DEFAULT_VIRTUAL_NODES),
});
export type LoadBalancersOptions = z.input<typeof optionsSchema>;

/** The built-in strategies; `scheduler.loadBalancer` picks one of them by name. */
export function loadBalancers(options: LoadBalancersOptions = {}): Plugin {
  return definePlugin({
    name: 'load-balancers',
    setup(ctx) {
      const { only, virtualNodes } = ctx.section('loadBalancers', optionsSchema, options);
      const all: Record<LoadBalancerName, () => LoadBalancer> = {
        least_task: () => new LeastTaskLoadBalancer(),
        round_robin: () => new RoundRobinLoadBalancer(),
        weighted_round_robin: () => new WeightedRoundRobinLoadBalancer(),
        consistent_hash: () => new ConsistentHashLoadBalancer(virtualNodes),
        affinity: () => new AffinityLoadBalancer(),
      };
      for (const name of only ?? LOAD_BALANCER_NAMES) ctx.registerLoadBalancer(all[name]());
    },
  });
}
