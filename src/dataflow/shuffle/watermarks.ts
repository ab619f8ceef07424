// Combines the watermarks of a subtask's input channels: the subtask's event time is the minimum
// over channels that are neither idle nor ended (Flink's rule). A channel that has sent nothing
// yet holds the watermark back; an idle one does not until it sends again.

export class WatermarkTracker {
  private readonly marks: number[];
  private readonly idle: boolean[];
  private readonly ended: boolean[];
  private emitted = -Infinity;

  constructor(channels: number) {
    this.marks = new Array(channels).fill(-Infinity);
    this.idle = new Array(channels).fill(false);
    this.ended = new Array(channels).fill(false);
  }

  /** Records channel `id`'s watermark (or idleness); returns the new combined one if it advanced. */
  update(id: number, value: number | 'idle'): number | null {
    if (value === 'idle') this.idle[id] = true;
    else {
      this.idle[id] = false;
      this.marks[id] = Math.max(this.marks[id]!, value);
    }
    return this.advance();
  }

  /** Channel `id` ended: it no longer holds anything back. */
  end(id: number): number | null {
    this.ended[id] = true;
    return this.advance();
  }

  get current(): number {
    return this.emitted;
  }

  private advance(): number | null {
    let min = Infinity;
    let live = 0;
    for (let i = 0; i < this.marks.length; i++) {
      if (this.ended[i] || this.idle[i]) continue;
      live++;
      if (this.marks[i]! < min) min = this.marks[i]!;
    }
    // All idle: nothing to go by, so nothing advances.
    if (live === 0 || min <= this.emitted || min === -Infinity) return null;
    this.emitted = min;
    return min;
  }
}
