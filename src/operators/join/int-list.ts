// A growable list of int32s: the row-index pairs a join emits, whose count is known only after
// matching. Doubling keeps pushes amortised O(1) without a JavaScript array per output row.

export class IntList {
  private data: Int32Array;
  length = 0;

  constructor(capacity = 64) {
    this.data = new Int32Array(Math.max(capacity, 8));
  }

  push(x: number): void {
    if (this.length === this.data.length) {
      const bigger = new Int32Array(this.data.length * 2);
      bigger.set(this.data);
      this.data = bigger;
    }
    this.data[this.length++] = x;
  }

  /** The values so far, as a view (valid until the next push). */
  view(): Int32Array {
    return this.data.subarray(0, this.length);
  }
}
