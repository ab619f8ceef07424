// Per-sender sequencing: hands items on in sequence order, holds early ones back, drops repeats.

export class SenderOrder<T> {
  private readonly next: number[];
  private readonly held: Map<number, T>[];
  private readonly ended: boolean[];

  constructor(senders: number) {
    this.next = new Array(senders).fill(1);
    this.held = Array.from({ length: senders }, () => new Map());
    this.ended = new Array(senders).fill(false);
  }

  /** Returns the items now deliverable in order (possibly none), or null for a duplicate. */
  accept(from: number, seq: number, item: T): T[] | null {
    if (!(from >= 0 && from < this.next.length) || !Number.isInteger(seq)) {
      throw new Error(`data message with bad sender ${from} or sequence ${seq}`);
    }
    const held = this.held[from]!;
    if (seq < this.next[from]! || held.has(seq)) return null;
    held.set(seq, item);
    const out: T[] = [];
    for (let s = this.next[from]!; held.has(s); s++) {
      out.push(held.get(s)!);
      held.delete(s);
      this.next[from] = s + 1;
    }
    return out;
  }

  end(from: number): void {
    this.ended[from] = true;
  }

  allEnded(): boolean {
    return this.ended.every(Boolean);
  }
}
