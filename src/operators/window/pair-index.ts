// Batch-local ids of (window, key) pairs, so each pair's state is looked up once per batch and
// rows then find it by array index. A batch covers few windows (event time moves slowly within
// one), so a dense table over the batch's window span × its keys is small; a batch spread over
// many windows (very out-of-order data) falls back to nested maps.

/** Dense tables above this many entries (4 MB) give way to maps. */
const DENSE_LIMIT = 1 << 20;

export class PairIndex {
  private table = new Int32Array(0);
  private map: Map<number, Map<number, number>> | null = null;
  private base = 0;
  private keys = 0;

  /**
   * Starts a batch whose windows are base .. base + span - 1 and whose keys are 0 .. keys - 1.
   * Returns the dense table (entry (w - base) * keys + g, zeroed) for callers that index it
   * themselves, or null when the batch uses the maps (get/set).
   */
  reset(base: number, span: number, keys: number): Int32Array | null {
    this.base = base;
    this.keys = keys;
    const size = span * keys;
    if (size > DENSE_LIMIT) {
      this.map = new Map();
      return null;
    }
    this.map = null;
    if (this.table.length < size) this.table = new Int32Array(Math.max(size, 2 * this.table.length));
    else this.table.fill(0, 0, size);
    return this.table;
  }

  /** The pair's local id, 0 when it has none yet. */
  get(w: number, g: number): number {
    if (this.map) return this.map.get(w)?.get(g) ?? 0;
    return this.table[(w - this.base) * this.keys + g]!;
  }

  set(w: number, g: number, local: number): void {
    if (!this.map) {
      this.table[(w - this.base) * this.keys + g] = local;
      return;
    }
    let inner = this.map.get(w);
    if (!inner) this.map.set(w, (inner = new Map()));
    inner.set(g, local);
  }
}
