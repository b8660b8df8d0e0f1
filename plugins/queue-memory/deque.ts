/**
 * A growable ring buffer: O(1) push and pop at both ends. Ready queues hold tens of
 * thousands of ids under load, where `Array.prototype.shift` would be O(n) per pop.
 */
export class Deque<T> {
  private buffer: (T | undefined)[];
  private head = 0;
  private size = 0;

  constructor(initialCapacity = 16) {
    this.buffer = new Array<T | undefined>(Math.max(2, initialCapacity));
  }

  get length(): number {
    return this.size;
  }

  pushBack(value: T): void {
    if (this.size === this.buffer.length) this.grow();
    this.buffer[(this.head + this.size) % this.buffer.length] = value;
    this.size++;
  }

  pushFront(value: T): void {
    if (this.size === this.buffer.length) this.grow();
    this.head = (this.head - 1 + this.buffer.length) % this.buffer.length;
    this.buffer[this.head] = value;
    this.size++;
  }

  popFront(): T | undefined {
    if (this.size === 0) return undefined;
    const value = this.buffer[this.head];
    this.buffer[this.head] = undefined; // let the GC have it
    this.head = (this.head + 1) % this.buffer.length;
    this.size--;
    return value;
  }

  peekFront(): T | undefined {
    return this.size === 0 ? undefined : this.buffer[this.head];
  }

  /** Removes and returns everything, head first. */
  drain(): T[] {
    const out = this.toArray();
    this.buffer = new Array<T | undefined>(16);
    this.head = 0;
    this.size = 0;
    return out;
  }

  toArray(): T[] {
    const out = new Array<T>(this.size);
    for (let i = 0; i < this.size; i++) out[i] = this.buffer[(this.head + i) % this.buffer.length] as T;
    return out;
  }

  private grow(): void {
    const items = this.toArray();
    this.buffer = new Array<T | undefined>(this.buffer.length * 2);
    for (let i = 0; i < items.length; i++) this.buffer[i] = items[i];
    this.head = 0;
  }
}
