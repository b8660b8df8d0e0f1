import { injectable } from 'tsyringe';
import type { LoadBalancer } from '../ports/load-balancer.ts';

/** Load balancers registered by plugins, chosen by name in `scheduler.loadBalancer`. */
@injectable()
export class LoadBalancerRegistry {
  private readonly byName = new Map<string, LoadBalancer>();

  register(balancer: LoadBalancer): void {
    if (this.byName.has(balancer.name)) throw new Error(`load balancer "${balancer.name}" is already registered`);
    this.byName.set(balancer.name, balancer);
  }

  require(name: string): LoadBalancer {
    const balancer = this.byName.get(name);
    if (!balancer) {
      const known = [...this.byName.keys()];
      throw new Error(
        `load balancer "${name}" is not registered (${known.length ? `registered: ${known.join(', ')}` : 'none registered'}); add loadBalancers() to the plugins in taskmanager.config.ts`,
      );
    }
    return balancer;
  }

  names(): string[] {
    return [...this.byName.keys()];
  }
}
