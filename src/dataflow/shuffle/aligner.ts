// Aligns checkpoint barriers across a subtask's input channels (Flink's aligned checkpoints): a
// channel that delivered barrier n waits; when every live channel has it, the subtask snapshots
// (the handler runs), and all channels go on. A channel that ended counts as aligned.
// It also serialises every handler call, so batches and barriers never interleave.

export type BarrierHandler = (epoch: number, ref: string, alignmentMs: number) => Promise<void>;

export class BarrierAligner {
  private readonly ended: boolean[];
  private epoch: number | null = null;
  private ref = '';
  private arrived = new Set<number>();
  private firstArrival = 0;
  private release: Array<{ resolve: () => void; reject: (e: unknown) => void }> = [];
  private lock: Promise<unknown> = Promise.resolve();
  private aborted = false;

  constructor(
    channels: number,
    private readonly onBarrier: BarrierHandler,
  ) {
    this.ended = new Array(channels).fill(false);
  }

  /** Runs `fn` after every handler already queued. */
  serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.lock.then(fn);
    this.lock = run.catch(() => undefined);
    return run;
  }

  /** Channel `id` delivered barrier `epoch`; resolves when the barrier has been handled. */
  arrive(id: number, epoch: number, ref: string): Promise<void> {
    if (this.epoch !== null && this.epoch !== epoch) {
      return Promise.reject(new Error(`barrier ${epoch} arrived while aligning ${this.epoch}`));
    }
    if (this.epoch === null) {
      this.epoch = epoch;
      this.ref = ref;
      this.firstArrival = performance.now();
    }
    this.arrived.add(id);
    const wait = new Promise<void>((resolve, reject) => this.release.push({ resolve, reject }));
    void this.maybeComplete();
    return wait;
  }

  /** Channel `id` sent end-of-stream: it no longer holds up alignment. */
  async end(id: number): Promise<void> {
    this.ended[id] = true;
    await this.maybeComplete();
  }

  abort(): void {
    this.aborted = true;
    for (const r of this.release.splice(0)) r.reject(new Error('input stopped'));
  }

  private async maybeComplete(): Promise<void> {
    if (this.epoch === null || this.aborted) return;
    for (let i = 0; i < this.ended.length; i++) if (!this.ended[i] && !this.arrived.has(i)) return;
    const epoch = this.epoch;
    const ref = this.ref;
    const waiters = this.release.splice(0);
    const alignment = performance.now() - this.firstArrival;
    this.epoch = null;
    this.arrived = new Set();
    try {
      await this.serial(() => this.onBarrier(epoch, ref, alignment));
      for (const w of waiters) w.resolve();
    } catch (err) {
      for (const w of waiters) w.reject(err);
    }
  }
}
