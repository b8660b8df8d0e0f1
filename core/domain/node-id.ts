/**
 * The node id that names this process in scheduler and worker ids (`scheduler-<node>-…`,
 * `worker-<node>-…`): the configured one (`app.nodeId`, TM_NODE_ID), or the host name made
 * safe for ids and keys.
 */
export function nodeIdOf(configured: string | undefined, hostName: string): string {
  return configured ?? hostName.replace(/[^A-Za-z0-9_.-]/g, '-').slice(0, 40);
}
