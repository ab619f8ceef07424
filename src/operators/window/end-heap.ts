// A binary min-heap of (end, item): the session operator's queue of session ends. Entries go
// stale when a session grows or merges; the operator checks each popped entry against its
// session (and queues it again) instead of updating entries in place.

export class EndHeap<T> {
  private readonly ends: number[] = [];
  private readonly items: T[] = [];

  get size(): number {
    return this.ends.length;
  }

  /** The smallest end (Infinity when empty). */
  peek(): number {
    return this.ends.length > 0 ? this.ends[0]! : Infinity;
  }

  push(end: number, item: T): void {
    const { ends, items } = this;
    let i = ends.length;
    ends.push(end);
    items.push(item);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (ends[parent]! <= end) break;
      ends[i] = ends[parent]!;
      items[i] = items[parent]!;
      i = parent;
    }
    ends[i] = end;
    items[i] = item;
  }

  /** Removes the entry with the smallest end and returns its item (the heap must not be empty). */
  pop(): T {
    const { ends, items } = this;
    const top = items[0]!;
    const end = ends.pop()!;
    const item = items.pop()!;
    const n = ends.length;
    if (n === 0) return top;
    let i = 0;
    for (;;) {
      let child = 2 * i + 1;
      if (child >= n) break;
      if (child + 1 < n && ends[child + 1]! < ends[child]!) child++;
      if (ends[child]! >= end) break;
      ends[i] = ends[child]!;
      items[i] = items[child]!;
      i = child;
    }
    ends[i] = end;
    items[i] = item;
    return top;
  }

  clear(): void {
    this.ends.length = 0;
    this.items.length = 0;
  }
}
