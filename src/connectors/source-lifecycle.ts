// Start/stop/done bookkeeping shared by the sources. Each source runs one read loop; `done`
// settles when a bounded loop runs out, when stop() has finished, or when the loop fails.
//
// Stop has two speeds. stop(true) stops reading, lets the loop finish the emit it is in and
// hands on rows already decoded. stop(false) stops reading and resolves at once, without
// waiting for an emit in progress (downstream may be the thing that is stuck); the loop then
// leaves without emitting again. The subtask's abort signal only stops reading: whether decoded
// rows go out is stop()'s decision, and the runner aborts before it calls stop(drain).

import type { Source, SourceContext, SourcePosition } from './types.js';
import type { Schema } from '../types.js';

export abstract class LoopSource implements Source {
  abstract readonly schema: Schema;
  readonly done: Promise<void>;
  /** Reading must end: the loop leaves at its next check. */
  protected stopping = false;
  /** Emitting must end too (stop without drain, or a failure). */
  protected halted = false;
  private loop: Promise<void> | null = null;
  private stopped: Promise<void> | null = null;
  private failure: { err: unknown } | null = null;
  private resolveDone!: () => void;
  private rejectDone!: (err: unknown) => void;

  constructor() {
    this.done = new Promise<void>((resolve, reject) => {
      this.resolveDone = resolve;
      this.rejectDone = reject;
    });
    // The runner awaits `done`; a failure that comes before it does must not crash the process.
    this.done.catch(() => undefined);
  }

  abstract start(ctx: SourceContext): Promise<void>;
  abstract position(): SourcePosition;

  /**
   * Rows read but not yet handed to emit. Reading pauses while an emit is pending, so this stays
   * below about one batch: the bound on what a slow downstream makes a source hold.
   */
  get bufferedRows(): number {
    return 0;
  }

  stop(drain: boolean): Promise<void> {
    this.stopped ??= this.shutdown(drain);
    return this.stopped;
  }

  /** The read loop. Returning without stop() means the input ran out. */
  protected abstract read(): Promise<void>;
  /** Stops taking input (unsubscribe, stop an iterator, wake a sleeper). Called more than once. */
  protected abstract interrupt(): void;
  /** Hands on rows read but not yet emitted (stop with drain). */
  protected async drainPending(): Promise<void> {}
  /** Drops rows read but not yet emitted (stop without drain). */
  protected discardPending(): void {}
  /** What it means when read() returns on its own: bounded sources finish, others lost input. */
  protected abstract inputEnded(): void;

  /** Runs read() in the background; call once from start() when the source is consuming. */
  protected launch(ctx: SourceContext): void {
    if (ctx.signal.aborted) this.requestStop();
    else ctx.signal.addEventListener('abort', () => this.requestStop(), { once: true });
    this.loop = this.read().then(
      () => {
        if (!this.stopping) this.inputEnded();
      },
      (err: unknown) => {
        if (!this.halted) this.fail(err);
      },
    );
  }

  protected finish(): void {
    this.resolveDone();
  }

  /** Fails the source: reading and emitting end, `done` rejects with `err`. */
  protected fail(err: unknown): void {
    if (this.failure) return;
    this.failure = { err };
    this.halted = true;
    this.requestStop();
    this.rejectDone(err);
  }

  private requestStop(): void {
    this.stopping = true;
    this.interrupt();
  }

  private async shutdown(drain: boolean): Promise<void> {
    if (!drain) this.halted = true;
    this.requestStop();
    if (drain) {
      await this.loop;
      if (!this.failure) await this.drainPending().catch((err: unknown) => this.fail(err));
    } else {
      this.discardPending();
    }
    if (this.failure) throw this.failure.err;
    this.resolveDone();
  }
}
