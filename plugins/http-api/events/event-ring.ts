/** One event as it was sent: its sequence number, what the filters look at, and its SSE text. */
export interface RecordedEvent {
  seq: number;
  taskId: string | undefined;
  taskType: string | undefined;
  /** The whole SSE block (`id:`, `event:`, `data:` lines and the blank line), encoded once for every client. */
  chunk: Uint8Array;
}

/**
 * The last `capacity` events, oldest first, so a client that reconnects with `Last-Event-ID`
 * gets what it missed. Fixed memory: a full ring overwrites its oldest slot.
 */
export class EventRing {
  private readonly slots: (RecordedEvent | undefined)[];
  private next = 0;
  private size = 0;

  constructor(readonly capacity: number) {
    this.slots = new Array<RecordedEvent | undefined>(capacity);
  }

  push(event: RecordedEvent): void {
    this.slots[this.next] = event;
    this.next = (this.next + 1) % this.capacity;
    this.size = Math.min(this.size + 1, this.capacity);
  }

  clear(): void {
    this.slots.fill(undefined);
    this.next = 0;
    this.size = 0;
  }

  /** Sequence number of the oldest event held, or undefined when empty. */
  get oldestSeq(): number | undefined {
    return this.at(0)?.seq;
  }

  /** Events with a sequence number above `seq`, oldest first. */
  *after(seq: number): Generator<RecordedEvent> {
    for (let i = 0; i < this.size; i++) {
      const event = this.at(i)!;
      if (event.seq > seq) yield event;
    }
  }

  private at(index: number): RecordedEvent | undefined {
    if (index >= this.size) return undefined;
    const start = (this.next - this.size + this.capacity) % this.capacity;
    return this.slots[(start + index) % this.capacity];
  }
}
