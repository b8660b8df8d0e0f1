import { edgeOutcome, type DependencyEdgeState, type Task, type TaskStatus } from '../../core/index.ts';

interface Edge {
  dependent: string;
  dependency: string;
  state: DependencyEdgeState;
}

export interface GraphSettlement {
  /** Dependents whose edges are all MET now, through this call. */
  freed: string[];
  /** Dependents of edges this call broke (one entry per dependent, its first broken edge). */
  broken: { taskId: string; dependencyId: string; status: TaskStatus }[];
}

/**
 * The dependency edges of the memory storage (DependencyStore in core/ports/storage.ts), each
 * indexed by its dependent and, while WAITING, by its dependency. Like the rest of the memory
 * storage, every method runs synchronously, so each call is atomic.
 */
export class DependencyGraph {
  /** dependent → its edges, in the order given at creation. */
  private readonly byDependent = new Map<string, Edge[]>();
  /** dependency → its WAITING edges (settled edges leave this index). */
  private readonly waitingOn = new Map<string, Set<Edge>>();

  /** Writes a new task's edges; returns true when one of them waits. */
  add(dependent: string, dependsOn: readonly string[], read: (id: string) => Task | undefined): boolean {
    const edges: Edge[] = [];
    let waiting = false;
    for (const dependency of new Set(dependsOn)) {
      const edge: Edge = { dependent, dependency, state: read(dependency)?.status === 'SUCCESS' ? 'MET' : 'WAITING' };
      if (edge.state === 'WAITING') {
        waiting = true;
        let set = this.waitingOn.get(dependency);
        if (!set) this.waitingOn.set(dependency, (set = new Set()));
        set.add(edge);
      }
      edges.push(edge);
    }
    this.byDependent.set(dependent, edges);
    return waiting;
  }

  dependenciesOf(taskId: string): string[] | undefined {
    return this.byDependent.get(taskId)?.map((edge) => edge.dependency);
  }

  /** Every edge MET (or none at all): the task may run. */
  isFree(taskId: string): boolean {
    const edges = this.byDependent.get(taskId);
    return edges === undefined || edges.every((edge) => edge.state === 'MET');
  }

  isDependedOn(taskId: string): boolean {
    return (this.waitingOn.get(taskId)?.size ?? 0) > 0;
  }

  settle(dependencyIds: readonly string[], read: (id: string) => Task | undefined): GraphSettlement {
    const touched = new Set<string>();
    const broken = new Map<string, { taskId: string; dependencyId: string; status: TaskStatus }>();
    for (const dependency of new Set(dependencyIds)) {
      const task = read(dependency);
      const outcome = task && edgeOutcome(task);
      if (!task || !outcome) continue;
      for (const edge of this.waitingOn.get(dependency) ?? []) {
        edge.state = outcome;
        if (outcome === 'MET') touched.add(edge.dependent);
        else if (!broken.has(edge.dependent))
          broken.set(edge.dependent, { taskId: edge.dependent, dependencyId: dependency, status: task.status });
      }
      this.waitingOn.delete(dependency);
    }
    return { freed: [...touched].filter((id) => this.isFree(id)), broken: [...broken.values()] };
  }

  findUnsettled(limit: number, read: (id: string) => Task | undefined): string[] {
    const found: string[] = [];
    for (const dependency of this.waitingOn.keys()) {
      if (found.length >= limit) break;
      const task = read(dependency);
      if (task && edgeOutcome(task)) found.push(dependency);
    }
    return found;
  }

  /** Retention deleted these tasks: their own edges go (edges others hold on them stay). */
  forget(taskIds: Iterable<string>): void {
    for (const id of taskIds) {
      for (const edge of this.byDependent.get(id) ?? []) {
        const set = this.waitingOn.get(edge.dependency);
        set?.delete(edge);
        if (set?.size === 0) this.waitingOn.delete(edge.dependency);
      }
      this.byDependent.delete(id);
    }
  }
}
