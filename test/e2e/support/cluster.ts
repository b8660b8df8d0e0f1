import { waitFor } from '../../helpers/wait.ts';
import { NodeProcess, baseEnv, freePort } from './node-process.ts';

/** Short timings so failures are detected in seconds (the defaults are 10 s / 30 s). */
export const FAST_TIMINGS: Record<string, string> = {
  TM_SCHEDULER_LEADER_LOCK_TTL: '2s',
  TM_SCHEDULER_LEADER_RENEW_INTERVAL: '500ms',
  TM_WORKER_HEARTBEAT_INTERVAL: '500ms',
  TM_WORKER_HEARTBEAT_TIMEOUT: '2s',
  TM_SCHEDULER_HEALTH_CHECK_INTERVAL: '500ms',
  TM_SCHEDULER_RECONCILE_INTERVAL: '1s',
  TM_SCHEDULER_RECONCILE_GRACE: '1s',
  TM_WORKER_GRACEFUL_SHUTDOWN_TIMEOUT: '2s',
  TM_APP_LOG_LEVEL: 'warn',
};

interface Envelope<T> {
  code: number;
  message: string;
  data: T;
}

export interface TaskView {
  task_id: string;
  status: string;
  worker_id: string | null;
}

export interface TaskLogView {
  from_status: string | null;
  to_status: string | null;
  message: string;
}

export interface SchedulerView {
  leader_id: string | null;
  is_leader: boolean;
  scheduler_id: string | null;
}

async function call<T>(url: string, init?: RequestInit): Promise<{ status: number; data: T }> {
  const response = await fetch(url, {
    ...init,
    headers: { 'content-type': 'application/json' },
    signal: AbortSignal.timeout(5_000),
  });
  const body = (await response.json()) as Envelope<T>;
  return { status: response.status, data: body.data };
}

/** Three (or n) nodes of one cluster, all running the same config with the given environment. */
export class Cluster {
  readonly nodes: NodeProcess[] = [];

  private constructor(private readonly label: string) {}

  /**
   * Spawns `count` nodes with every role and waits until each serves /healthz. `configFor`
   * gives node i (1-based) its own config file; the distributed example by default.
   */
  static async start(
    label: string,
    count: number,
    env: Record<string, string>,
    configFor?: (node: number) => string,
  ): Promise<Cluster> {
    const cluster = new Cluster(label);
    for (let i = 1; i <= count; i++) {
      const port = await freePort();
      cluster.nodes.push(
        new NodeProcess(`${label}-n${i}`, port, { ...baseEnv(), ...FAST_TIMINGS, ...env }, configFor?.(i)),
      );
    }
    try {
      await Promise.all(cluster.nodes.map((n) => n.ready()));
      await waitFor(async () => (await cluster.workers()).length === count, {
        timeoutMs: 10_000,
        intervalMs: 100,
        message: `${count} workers`,
      });
      await waitFor(async () => (await cluster.leaderNode()) !== undefined, {
        timeoutMs: 10_000,
        intervalMs: 100,
        message: 'a leader',
      });
    } catch (error) {
      await cluster.killAll();
      throw error;
    }
    return cluster;
  }

  get alive(): NodeProcess[] {
    return this.nodes.filter((n) => n.running);
  }

  /** Any live node's API: they all read the same storage. */
  private get api(): string {
    const node = this.alive[0];
    if (!node) throw new Error(`cluster ${this.label}: no live node`);
    return `${node.url}/api/v1`;
  }

  async createSleepTasks(durationsMs: number[]): Promise<string[]> {
    const tasks = durationsMs.map((ms) => ({ task_type: 'sleep', payload: { ms } }));
    const { status, data } = await call<{ task_ids: string[] }>(`${this.api}/tasks/batch`, {
      method: 'POST',
      body: JSON.stringify({ tasks }),
    });
    if (status !== 201) throw new Error(`batch create answered ${status}`);
    return data.task_ids;
  }

  /** Creates one task with an idempotency key (its task id); returns the HTTP status. */
  async createKeyed(key: string, payload: Record<string, unknown>): Promise<number> {
    try {
      const body = JSON.stringify({ task_type: 'sleep', payload, idempotency_key: key });
      return (await call(`${this.api}/tasks`, { method: 'POST', body })).status;
    } catch {
      return 0;
    }
  }

  async task(id: string): Promise<TaskView | undefined> {
    const { status, data } = await call<TaskView>(`${this.api}/tasks/${id}`);
    return status === 200 ? data : undefined;
  }

  async logs(id: string): Promise<TaskLogView[]> {
    return (await call<TaskLogView[]>(`${this.api}/tasks/${id}/logs`)).data;
  }

  async tasksWithStatus(status: string): Promise<TaskView[]> {
    return (await call<{ items: TaskView[] }>(`${this.api}/tasks?status=${status}&limit=200`)).data.items;
  }

  async workers(): Promise<{ worker_id: string; status: string; capacity: number }[]> {
    return (await call<{ worker_id: string; status: string; capacity: number }[]>(`${this.api}/workers`)).data;
  }

  async schedulerView(node: NodeProcess): Promise<SchedulerView | undefined> {
    try {
      return (await call<SchedulerView>(`${node.url}/api/v1/scheduler`)).data;
    } catch {
      return undefined;
    }
  }

  /** The live node whose own scheduler says it is the leader. */
  async leaderNode(): Promise<NodeProcess | undefined> {
    for (const node of this.alive) {
      const view = await this.schedulerView(node);
      if (view?.is_leader && view.leader_id === view.scheduler_id && view.leader_id?.includes(node.nodeId)) return node;
    }
    return undefined;
  }

  /** The node whose worker id (worker-<node id>-…) this is. */
  nodeOfWorker(workerId: string): NodeProcess | undefined {
    return this.nodes.find((n) => workerId.startsWith(`worker-${n.nodeId}-`));
  }

  /** Waits until every task has the wanted status; the error lists those that do not. */
  async waitAllStatus(ids: string[], wanted: string, timeoutMs: number): Promise<void> {
    let pending = ids;
    await waitFor(
      async () => {
        const views = await Promise.all(pending.map((id) => this.task(id)));
        pending = pending.filter((_, i) => views[i]?.status !== wanted);
        return pending.length === 0;
      },
      { timeoutMs, intervalMs: 200, message: `${ids.length} tasks ${wanted}` },
    ).catch(async (error: Error) => {
      const states = await Promise.all(
        pending.slice(0, 10).map(async (id) => `${id}: ${(await this.task(id))?.status}`),
      );
      throw new Error(`${error.message}; not yet: ${pending.length}, e.g.\n${states.join('\n')}\n${this.tails()}`);
    });
  }

  tails(): string {
    return this.nodes
      .map((n) => `--- ${n.nodeId} (${n.running ? 'running' : 'gone'})\n${n.logs().slice(-2_000)}`)
      .join('\n');
  }

  async killAll(): Promise<void> {
    await Promise.all(this.nodes.map((n) => n.kill('SIGKILL')));
  }
}
