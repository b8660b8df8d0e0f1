import type { PluginContext } from '../../core/index.ts';
import { TOKENS } from '../../core/index.ts';
import type { ClusterGauges } from './cluster-gauges.ts';

/**
 * Samples the queues and the worker registry at scrape time, on the leader only. No timer:
 * Prometheus's scrape interval is the sampling interval, and a process nobody scrapes does
 * no work for it.
 */
export function clusterSampler(ctx: PluginContext, gauges: ClusterGauges): () => Promise<void> {
  return async () => {
    const queue = ctx.tryResolve(TOKENS.Queue);
    const coordination = ctx.tryResolve(TOKENS.Coordination);
    if (!queue || !coordination || !ctx.services.cluster.localNode().isLeader) {
      gauges.clear();
      return;
    }
    const [lengths, workers] = await Promise.all([queue.lengths(), coordination.workers.listWorkers()]);
    gauges.setQueues(lengths);
    gauges.setWorkers(workers, ctx.clock.now(), ctx.config.worker.heartbeatTimeout);
  };
}
