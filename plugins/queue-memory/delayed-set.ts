import type { DelayedEntry, QueueEntry } from '../../core/index.ts';

interface HeapNode {
  dueMs: number;
  /** Tie-break so entries due at the same instant leave in scheduling order. */
  seq: number;
  taskId: string;
}

/**
 * Delayed entries ordered by due time: a binary min-heap plus a map by id. Like a Redis
 * ZSET, scheduling an id again moves it; the superseded heap node is skipped lazily.
 */
export class DelayedSet {
  private readonly heap: HeapNode[] = [];
  private readonly byId = new Map<string, { entry: QueueEntry; dueMs: number; seq: number }>();
  private nextSeq = 0;

  get size(): number {
    return this.byId.size;
  }

  has(taskId: string): boolean {
    return this.byId.has(taskId);
  }

  add(entry: DelayedEntry): void {
    const node: HeapNode = { dueMs: entry.dueAt.getTime(), seq: this.nextSeq++, taskId: entry.taskId };
    this.byId.set(entry.taskId, {
      entry: { taskId: entry.taskId, priority: entry.priority },
      dueMs: node.dueMs,
      seq: node.seq,
    });
    this.heap.push(node);
    this.siftUp(this.heap.length - 1);
  }

  /** Removes and returns up to `limit` entries due at or before `nowMs`, earliest first. */
  popDue(nowMs: number, limit: number): QueueEntry[] {
    const out: QueueEntry[] = [];
    while (out.length < limit) {
      this.dropStaleTop();
      const top = this.heap[0];
      if (!top || top.dueMs > nowMs) break;
      this.popTop();
      const live = this.byId.get(top.taskId);
      if (!live) continue;
      this.byId.delete(top.taskId);
      out.push(live.entry);
    }
    return out;
  }

  private dropStaleTop(): void {
    for (let top = this.heap[0]; top && this.byId.get(top.taskId)?.seq !== top.seq; top = this.heap[0]) {
      this.popTop();
    }
  }

  private popTop(): void {
    const last = this.heap.pop();
    if (last && this.heap.length > 0) {
      this.heap[0] = last;
      this.siftDown(0);
    }
  }

  private less(a: HeapNode, b: HeapNode): boolean {
    return a.dueMs < b.dueMs || (a.dueMs === b.dueMs && a.seq < b.seq);
  }

  private siftUp(index: number): void {
    const heap = this.heap;
    const node = heap[index] as HeapNode;
    while (index > 0) {
      const parentIndex = (index - 1) >> 1;
      const parent = heap[parentIndex] as HeapNode;
      if (!this.less(node, parent)) break;
      heap[index] = parent;
      index = parentIndex;
    }
    heap[index] = node;
  }

  private siftDown(index: number): void {
    const heap = this.heap;
    const node = heap[index] as HeapNode;
    for (;;) {
      const left = 2 * index + 1;
      if (left >= heap.length) break;
      const right = left + 1;
      const child = right < heap.length && this.less(heap[right] as HeapNode, heap[left] as HeapNode) ? right : left;
      if (!this.less(heap[child] as HeapNode, node)) break;
      heap[index] = heap[child] as HeapNode;
      index = child;
    }
    heap[index] = node;
  }
}
